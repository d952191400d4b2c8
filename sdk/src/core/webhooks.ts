import { readEnv, utf8, uuid, webCrypto } from "../internal/runtime.js";
import type { Schema } from "../types.js";
import { WebhookVerificationError } from "./errors.js";

/**
 * An event Segmento POSTs to a custom_webhook endpoint (the contract's `webhooks`), told apart by `type`:
 * narrow with `switch (event.type)`. New types may be added: acknowledge one you do not know.
 */
export type WebhookEvent = Schema<"WebhookEvent">;
/** A message an automation sends to one customer of its segment, with the customer's profile. */
export type SegmentMessageEvent = Schema<"SegmentMessageEvent">;
/** The integration's test delivery (`integrations.test`); its `data` is empty. */
export type SegmentoTestEvent = Schema<"SegmentoTestEvent">;

/** A `Headers` object, or a plain record such as Node's `req.headers` (any case; arrays take the first value). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** The current time in ms (for tests). */
  now?: number;
}

export interface SignOptions {
  /** Default `msg_<uuid>`. */
  id?: string;
  /** Seconds since the epoch, or a Date. Default now. */
  timestamp?: number | Date;
}

const fromBase64 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/** The HMAC-SHA256 key of a `whsec_<base64>` secret (the prefix is optional, as in Standard Webhooks). */
async function hmacKey(secret: string): Promise<CryptoKey> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  } catch {
    throw new WebhookVerificationError(
      "The secret is not a Standard Webhooks secret (whsec_ followed by base64)",
    );
  }
  if (raw.length === 0) throw new WebhookVerificationError("The webhook secret is empty");
  return webCrypto().subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** What is signed: `${id}.${timestamp}.` followed by the body's exact bytes. */
function signedContent(id: string, timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = utf8(`${id}.${timestamp}.`);
  const bytes = typeof body === "string" ? utf8(body) : body;
  const content = new Uint8Array(prefix.length + bytes.length);
  content.set(prefix);
  content.set(bytes, prefix.length);
  return content;
}

/**
 * Checks a webhook delivery signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>` — several may be given, space-separated, during a secret rotation) and
 * returns the event, typed by its `type` ({@link WebhookEvent}). Pass the raw body exactly as received: the
 * signature covers its bytes. The secret defaults to the `SEGMENTO_WEBHOOK_SECRET` environment variable.
 */
async function verify(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | undefined = readEnv("SEGMENTO_WEBHOOK_SECRET"),
  { toleranceSeconds = 300, now = Date.now() }: VerifyOptions = {},
): Promise<WebhookEvent> {
  if (!secret) {
    throw new WebhookVerificationError(
      "No webhook secret: pass the integration's whsec_... secret to webhooks.verify, or set SEGMENTO_WEBHOOK_SECRET.",
    );
  }
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) {
    throw new WebhookVerificationError(
      "webhooks.verify needs the raw body (string or bytes), not parsed JSON: the signature covers the exact " +
        "bytes sent. Use `await request.text()` or `express.raw({ type: 'application/json' })`.",
    );
  }
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  if (!/^\d+$/.test(timestamp))
    throw new WebhookVerificationError("webhook-timestamp is not a Unix time in seconds");
  const age = Math.floor(now / 1000) - Number(timestamp);
  if (age > toleranceSeconds) {
    throw new WebhookVerificationError(
      `The webhook timestamp is ${age} s old (tolerance ${toleranceSeconds} s)`,
    );
  }
  if (age < -toleranceSeconds) {
    throw new WebhookVerificationError(
      `The webhook timestamp is ${-age} s in the future (tolerance ${toleranceSeconds} s)`,
    );
  }
  const key = await hmacKey(secret);
  const content = signedContent(id, timestamp, rawBody);
  for (const candidate of signatures.split(" ")) {
    const [version, signature] = candidate.split(",");
    if (version !== "v1" || !signature) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(signature);
    } catch {
      continue;
    }
    // subtle.verify compares in constant time, unlike comparing the strings.
    if (await webCrypto().subtle.verify("HMAC", key, bytes, content)) {
      const text = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
      try {
        return JSON.parse(text) as WebhookEvent;
      } catch {
        throw new WebhookVerificationError("The signature is valid but the payload is not JSON");
      }
    }
  }
  throw new WebhookVerificationError(
    "No signature matches: a wrong secret, or a body that changed after it was signed (verify the raw body)",
  );
}

/** Signs a payload the way Segmento does, for tests: returns the three headers of the delivery. */
async function sign(
  payload: string | Uint8Array,
  secret: string,
  { id = `msg_${uuid()}`, timestamp = new Date() }: SignOptions = {},
): Promise<Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string>> {
  const seconds = String(timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp);
  const mac = await webCrypto().subtle.sign(
    "HMAC",
    await hmacKey(secret),
    signedContent(id, seconds, payload),
  );
  return {
    "webhook-id": id,
    "webhook-timestamp": seconds,
    "webhook-signature": `v1,${toBase64(new Uint8Array(mac))}`,
  };
}

/** Standard Webhooks verification and signing, on WebCrypto (Node >= 18, Deno, Bun, browsers, edge). */
export const webhooks = { verify, sign };
