import { basicAuth, callProvider, providerBaseUrl, refuse, stringAt } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["twilio"];

const PRODUCTION = "https://api.twilio.com";

function call(config: Config, options: SendOptions, path: string, form?: Record<string, string>) {
  return callProvider(
    {
      method: form === undefined ? "GET" : "POST",
      url: `${providerBaseUrl(options, "twilio", PRODUCTION)}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}${path}`,
      headers: { authorization: basicAuth(config.accountSid, config.authToken), accept: "application/json" },
      form,
      secrets: [config.authToken],
      // {"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}
      errorMessage: (error) => {
        const message = stringAt(error, "message");
        const code = stringAt(error, "code");
        return message && code ? `${message} (Twilio error ${code})` : message;
      },
    },
    options,
  );
}

/** Twilio Programmable Messaging: 201 with the message resource. */
export const twilio: ChannelAdapter<Config> = {
  channel: "twilio",
  send(config, message, options) {
    if (!config.fromNumber) return Promise.resolve(refuse("The Twilio integration has no fromNumber"));
    if (!message.to.phone) return Promise.resolve(refuse("The customer has no phone number"));
    return call(config, options, "/Messages.json", {
      To: message.to.phone,
      From: config.fromNumber,
      Body: message.text,
    });
  },
  /** Fetches the account itself. */
  test(config, options) {
    return call(config, options, ".json");
  },
};
