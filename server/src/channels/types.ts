import type { components } from "@segmento/sdk/schema";
import type { Dispatcher } from "undici";

type Schemas = components["schemas"];

export type ChannelName =
  | "custom_webhook"
  | "sendgrid"
  | "mailchimp"
  | "amazon_ses"
  | "twilio"
  | "messagebird"
  | "slack"
  | "teams";

/** What the caller (with the integration's secrets decrypted) hands each adapter. */
export interface ChannelConfigs {
  /** The url, plus the integration's `whsec_` signing secret, which is kept beside the config. */
  custom_webhook: Schemas["CustomWebhookConfig"] & { signingSecret: string };
  sendgrid: Schemas["SendgridConfig"];
  mailchimp: Schemas["MailchimpConfig"];
  amazon_ses: Schemas["AmazonSesConfig"];
  twilio: Schemas["TwilioConfig"];
  messagebird: Schemas["MessagebirdConfig"];
  slack: Schemas["SlackConfig"];
  teams: Schemas["TeamsConfig"];
}

export interface OutgoingMessage {
  to: { email?: string; phone?: string; customerKey: string };
  subject?: string;
  text: string;
  /** The customer's fields, for webhooks. */
  data?: Record<string, unknown>;
  /** Mailchimp: the tag added to the list member (default `segmento`). */
  tag?: string;
  /** Stable per (automation, run, customer). */
  idempotencyKey: string;
}

export interface DeliveryResult {
  ok: boolean;
  providerStatus: number | null;
  /** The provider's answer, secrets redacted, truncated to 2 kB. */
  providerResponse: string | null;
  /** 429, 5xx, network errors and timeouts. */
  retryable: boolean;
  reason: string | null;
  retryAfterMs?: number;
}

export interface SendOptions {
  /** Overrides each provider's base URL (tests point them at local servers). */
  baseUrls?: Partial<Record<ChannelName, string>>;
  /** Default 10 s, for the whole exchange including reading the answer. */
  timeoutMs?: number;
  /** Default 64 kB: the answer is not read beyond it. */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
  /**
   * Connects through this dispatcher (with undici's fetch): the one `pinnedDispatcher` made from a URL check,
   * so the call goes to exactly the addresses that were checked.
   */
  dispatcher?: Dispatcher;
  now?: () => Date;
}

export interface ChannelAdapter<Config> {
  channel: ChannelName;
  send(config: Config, message: OutgoingMessage, options: SendOptions): Promise<DeliveryResult>;
  /** A real, harmless provider call that proves the credentials work. */
  test(config: Config, options: SendOptions): Promise<DeliveryResult>;
}
