import { callProvider, errorsListMessage, providerBaseUrl, refuse } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["messagebird"];

const PRODUCTION = "https://rest.messagebird.com";

function call(config: Config, options: SendOptions, method: "GET" | "POST", path: string, body?: unknown) {
  return callProvider(
    {
      method,
      url: `${providerBaseUrl(options, "messagebird", PRODUCTION)}${path}`,
      headers: {
        authorization: `AccessKey ${config.apiKey}`,
        accept: "application/json",
      },
      json: body,
      secrets: [config.apiKey],
      // {"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]}
      errorMessage: (error) => errorsListMessage(error, "description"),
    },
    options,
  );
}

/** MessageBird SMS: 201 with the message object. */
export const messagebird: ChannelAdapter<Config> = {
  channel: "messagebird",
  send(config, message, options) {
    if (!config.originator) return Promise.resolve(refuse("The MessageBird integration has no originator"));
    if (!message.to.phone) return Promise.resolve(refuse("The customer has no phone number"));
    return call(config, options, "POST", "/messages", {
      originator: config.originator,
      // MSISDNs in international form, without the plus.
      recipients: [message.to.phone.replace(/^\+/, "")],
      body: message.text,
      reference: message.idempotencyKey,
    });
  },
  test(config, options) {
    return call(config, options, "GET", "/balance");
  },
};
