/**
 * A receiver for Segmento's custom_webhook deliveries: verifies the Standard Webhooks signature with the
 * SDK, drops deliveries it has already handled, and hands each event to your code.
 *
 *   SEGMENTO_WEBHOOK_SECRET=whsec_... PORT=4000 npx tsx examples/webhook-receiver/server.ts
 */
import { pathToFileURL } from "node:url";
import express, { type Express } from "express";
// In your app: `from "@segmento/sdk"`. The examples import the SDK's source so they test the current code.
import { type WebhookEvent, WebhookVerificationError, webhooks } from "../../sdk/src/index.js";

/**
 * What a custom_webhook integration sends, typed from the contract's `webhooks`: a `segment.message` for each
 * customer an automation sends to, or the integration's `segmento.test`. Narrow with `event.type`.
 */
export type SegmentoWebhookEvent = WebhookEvent;

/** The delivery an event came in: `id` is the same on each retry of one message. */
export interface Delivery {
  id: string;
  timestamp: number;
}

export interface ReceiverOptions {
  /** The integration's signing secret (`whsec_...`), returned once when it is created or rotated. */
  secret: string;
  /**
   * Called once per delivery id, after the signature is checked. If it throws, the receiver answers 500
   * and Segmento retries the delivery later (with the same id).
   */
  onMessage: (event: SegmentoWebhookEvent, delivery: Delivery) => void | Promise<void>;
  /** How many delivery ids to remember. Default 10,000. */
  rememberDeliveries?: number;
}

export const WEBHOOK_PATH = "/segmento/webhooks";

const EVENT_TYPES: ReadonlySet<string> = new Set<WebhookEvent["type"]>(["segment.message", "segmento.test"]);

export function createReceiver({ secret, onMessage, rememberDeliveries = 10_000 }: ReceiverOptions): Express {
  if (!secret) throw new Error("createReceiver needs the integration's whsec_ signing secret");

  /**
   * Delivery ids already handled (or being handled), oldest first. Segmento retries a delivery that got no
   * 2xx, so the same message can arrive more than once: each is handled once. This set lives in this
   * process only: it is empty after a restart and not shared between instances. In production, record
   * `webhook-id` in your database under a unique constraint, in the same transaction as the work.
   */
  const seen = new Set<string>();

  const app = express();
  app.disable("x-powered-by");

  // The signature covers the exact bytes Segmento sent. A JSON parser (express.json()) would hand over an
  // object, and serialising it again does not reproduce those bytes (key order, spacing, number formats),
  // so this route reads the body raw, as a Buffer, and only webhooks.verify parses it, once it is trusted.
  // Mount it before any app-wide express.json(), which would consume the body first.
  app.post(WEBHOOK_PATH, express.raw({ type: "application/json" }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      res.status(400).json({ error: "Expected a raw application/json body" });
      return;
    }

    let payload: WebhookEvent;
    try {
      payload = await webhooks.verify(req.body, req.headers, secret);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        res.status(401).json({ error: error.message });
        return;
      }
      throw error;
    }

    // Typed by the contract, but a signed body is still only what the sender wrote: check its shape.
    if (!isEvent(payload)) {
      res.status(400).json({ error: "The payload is not a Segmento webhook event" });
      return;
    }
    // verify() checked both headers are present, and they are covered by the signature.
    const id = String(req.headers["webhook-id"]);
    const delivery: Delivery = { id, timestamp: Number(req.headers["webhook-timestamp"]) };

    // Acknowledge a delivery seen before, without doing the work again.
    if (seen.has(id)) {
      res.sendStatus(204);
      return;
    }
    // Unknown event types (added later) are acknowledged, so they are not retried.
    if (!EVENT_TYPES.has(payload.type)) {
      res.sendStatus(204);
      return;
    }

    // Claimed before the work, so a retry arriving meanwhile is not handled twice.
    seen.add(id);
    if (seen.size > rememberDeliveries) seen.delete(seen.values().next().value as string);
    try {
      await onMessage(payload, delivery);
    } catch (error) {
      seen.delete(id); // Not handled: let Segmento's retry try again.
      console.error(`webhook ${id} failed:`, error);
      res.status(500).json({ error: "The handler failed; the delivery will be retried" });
      return;
    }
    res.sendStatus(204);
  });

  return app;
}

function isEvent(value: unknown): value is WebhookEvent {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

// Run directly: listen and log each message.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.SEGMENTO_WEBHOOK_SECRET;
  if (!secret) {
    console.error("Set SEGMENTO_WEBHOOK_SECRET to the integration's signingSecret (whsec_...)");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 4000);
  const app = createReceiver({
    secret,
    onMessage(event, delivery) {
      if (event.type === "segmento.test") {
        console.log(`${delivery.id}: test delivery from Segmento`);
        return;
      }
      const { customerId, email, subject, text } = event.data;
      console.log(
        `${delivery.id}: ${customerId}${email ? ` <${email}>` : ""}${subject ? ` "${subject}"` : ""}: ${text}`,
      );
    },
  });
  const server = app.listen(port, () => {
    const address = server.address();
    const actual = typeof address === "object" && address !== null ? address.port : port;
    console.log(`Listening on http://localhost:${actual}${WEBHOOK_PATH}`);
  });
}
