import { amazonSes } from "./amazon-ses.js";
import { customWebhook } from "./custom-webhook.js";
import { mailchimp } from "./mailchimp.js";
import { messagebird } from "./messagebird.js";
import { sendgrid } from "./sendgrid.js";
import { slack } from "./slack.js";
import { teams } from "./teams.js";
import { twilio } from "./twilio.js";
import type {
  ChannelAdapter,
  ChannelConfigs,
  ChannelName,
  DeliveryResult,
  OutgoingMessage,
  SendOptions,
} from "./types.js";

export type { ChannelConfigs, ChannelName, DeliveryResult, OutgoingMessage, SendOptions } from "./types.js";

export const adapters: { [Channel in ChannelName]: ChannelAdapter<ChannelConfigs[Channel]> } = {
  custom_webhook: customWebhook,
  sendgrid,
  mailchimp,
  amazon_ses: amazonSes,
  twilio,
  messagebird,
  slack,
  teams,
};

/** Sends one message; never throws: failures come back as a result, `retryable` for 429/5xx/network. */
export function deliver<Channel extends ChannelName>(
  channel: Channel,
  config: ChannelConfigs[Channel],
  message: OutgoingMessage,
  options: SendOptions = {},
): Promise<DeliveryResult> {
  const adapter: ChannelAdapter<ChannelConfigs[Channel]> = adapters[channel];
  return adapter.send(config, message, options);
}

/** The integration's test action: a real, harmless provider call. */
export function testChannel<Channel extends ChannelName>(
  channel: Channel,
  config: ChannelConfigs[Channel],
  options: SendOptions = {},
): Promise<DeliveryResult> {
  const adapter: ChannelAdapter<ChannelConfigs[Channel]> = adapters[channel];
  return adapter.test(config, options);
}
