import { postToWebhookUrl } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, OutgoingMessage, SendOptions } from "./types.js";

type Config = ChannelConfigs["slack"];

/** Slack incoming webhooks answer 200 `ok`, or a plain-text error such as `invalid_token` or `no_service`. */
function post(config: Config, text: string, options: SendOptions) {
  return postToWebhookUrl(config.webhookUrl, { json: { text } }, options, { urlIsSecret: true });
}

function slackText(message: OutgoingMessage): string {
  return message.subject ? `*${message.subject}*\n${message.text}` : message.text;
}

export const slack: ChannelAdapter<Config> = {
  channel: "slack",
  send(config, message, options) {
    return post(config, slackText(message), options);
  },
  test(config, options) {
    return post(config, "Segmento is connected to this channel.", options);
  },
};
