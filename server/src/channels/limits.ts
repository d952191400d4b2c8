import type { ChannelName } from "./types.js";

/**
 * How hard each provider may be pushed from one integration: messages in flight at once, and messages per
 * second across every worker process. Kept under the providers' documented limits (Slack incoming webhooks:
 * about 1 per second; Teams: a few; SES sandbox: 1/s, production accounts more) so a large segment does not
 * turn into a wall of 429s.
 */
export const CHANNEL_LIMITS: Record<ChannelName, { concurrency: number; perSecond: number }> = {
  custom_webhook: { concurrency: 5, perSecond: 50 },
  sendgrid: { concurrency: 10, perSecond: 100 },
  mailchimp: { concurrency: 5, perSecond: 10 },
  amazon_ses: { concurrency: 5, perSecond: 14 },
  twilio: { concurrency: 5, perSecond: 10 },
  messagebird: { concurrency: 5, perSecond: 10 },
  slack: { concurrency: 1, perSecond: 1 },
  teams: { concurrency: 1, perSecond: 2 },
};
