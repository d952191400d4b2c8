import { callProvider, errorsListMessage, providerBaseUrl, refuse } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["sendgrid"];

const PRODUCTION = "https://api.sendgrid.com";

function call(config: Config, options: SendOptions, method: "GET" | "POST", path: string, body?: unknown) {
  return callProvider(
    {
      method,
      url: `${providerBaseUrl(options, "sendgrid", PRODUCTION)}${path}`,
      headers: {
        authorization: `Bearer ${config.apiKey}`,
      },
      json: body,
      secrets: [config.apiKey],
      // {"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null}]}
      errorMessage: (error) => errorsListMessage(error, "message"),
    },
    options,
  );
}

/** SendGrid v3 mail send: 202 when accepted. */
export const sendgrid: ChannelAdapter<Config> = {
  channel: "sendgrid",
  send(config, message, options) {
    if (!config.fromEmail) return Promise.resolve(refuse("The SendGrid integration has no fromEmail"));
    if (!message.to.email) return Promise.resolve(refuse("The customer has no email address"));
    if (!message.subject) return Promise.resolve(refuse("An email needs a subject"));
    return call(config, options, "POST", "/v3/mail/send", {
      personalizations: [{ to: [{ email: message.to.email }] }],
      from: config.fromName
        ? { email: config.fromEmail, name: config.fromName }
        : { email: config.fromEmail },
      subject: message.subject,
      content: [{ type: "text/plain", value: message.text }],
      custom_args: { segmento_delivery: message.idempotencyKey },
    });
  },
  /** Lists the key's scopes: any valid key may, and it sends nothing. */
  test(config, options) {
    return call(config, options, "GET", "/v3/scopes");
  },
};
