import { createHmac, randomUUID } from "node:crypto";
import { postToWebhookUrl, refuse } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["custom_webhook"];

/**
 * Standard Webhooks headers: `webhook-signature` is `v1,` and the base64 HMAC-SHA256 of
 * `${id}.${timestamp}.${body}`, keyed with the bytes of the secret's base64 part after `whsec_`.
 */
export function standardWebhookHeaders(
  signingSecret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  const key = Buffer.from(signingSecret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` };
}

function deliver(config: Config, id: string, payload: Record<string, unknown>, options: SendOptions) {
  if (!config.signingSecret.startsWith("whsec_")) {
    return Promise.resolve(refuse("The webhook signing secret is not a whsec_ secret"));
  }
  const now = options.now?.() ?? new Date();
  const body = JSON.stringify({ ...payload, timestamp: now.toISOString() });
  const headers = {
    "content-type": "application/json",
    "user-agent": "Segmento-Webhooks/1",
    ...standardWebhookHeaders(config.signingSecret, id, Math.floor(now.getTime() / 1000), body),
  };
  return postToWebhookUrl(config.url, { headers, body, secrets: [config.signingSecret] }, options, {
    urlIsSecret: false,
  });
}

/** POSTs the signed JSON to the customer's endpoint; any 2xx is a delivery. */
export const customWebhook: ChannelAdapter<Config> = {
  channel: "custom_webhook",
  send(config, message, options) {
    return deliver(
      config,
      message.idempotencyKey,
      {
        type: "segment.message",
        data: {
          customerId: message.to.customerKey,
          email: message.to.email,
          phone: message.to.phone,
          subject: message.subject,
          text: message.text,
          customer: message.data ?? {},
        },
      },
      options,
    );
  },
  test(config, options) {
    return deliver(config, `msg_test_${randomUUID()}`, { type: "segmento.test", data: {} }, options);
  },
};
