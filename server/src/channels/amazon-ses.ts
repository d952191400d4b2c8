import { callProvider, refuse, stringAt } from "./http.js";
import { signRequest } from "./sigv4.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["amazon_ses"];

function call(config: Config, options: SendOptions, method: "GET" | "POST", path: string, body?: unknown) {
  const base = options.baseUrls?.amazon_ses ?? `https://email.${config.region}.amazonaws.com`;
  const url = new URL(`${base.replace(/\/+$/, "")}${path}`);
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest({
    method,
    url,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: text,
    region: config.region,
    service: "ses",
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    now: options.now?.() ?? new Date(),
  });
  // fetch sets Host itself, from the same URL that was signed.
  delete headers.host;
  return callProvider(
    {
      method,
      url: url.toString(),
      headers,
      body: body === undefined ? undefined : text,
      secrets: [config.secretAccessKey],
      // {"message":"Email address is not verified. ..."}; the signing front end answers {"Message":"..."}.
      errorMessage: (error) => stringAt(error, "message") ?? stringAt(error, "Message"),
    },
    options,
  );
}

/** Amazon SES v2 SendEmail, a simple (SES-assembled) message: 200 with a MessageId. */
export const amazonSes: ChannelAdapter<Config> = {
  channel: "amazon_ses",
  send(config, message, options) {
    if (!config.fromEmail) return Promise.resolve(refuse("The Amazon SES integration has no fromEmail"));
    if (!message.to.email) return Promise.resolve(refuse("The customer has no email address"));
    if (!message.subject) return Promise.resolve(refuse("An email needs a subject"));
    return call(config, options, "POST", "/v2/email/outbound-emails", {
      FromEmailAddress: config.fromEmail,
      Destination: { ToAddresses: [message.to.email] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: "UTF-8" },
          Body: { Text: { Data: message.text, Charset: "UTF-8" } },
        },
      },
    });
  },
  /** GetAccount: the sending quota and status; it sends nothing. */
  test(config, options) {
    return call(config, options, "GET", "/v2/email/account");
  },
};
