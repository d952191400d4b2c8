import { Webhook } from "standardwebhooks";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type SegmentMessageEvent,
  type SegmentoTestEvent,
  type WebhookEvent,
  WebhookVerificationError,
  webhooks,
} from "../src/index.js";

// The Standard Webhooks reference vector (libraries/javascript tests of the standard-webhooks repository).
const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const at = (seconds: number) => ({ now: seconds * 1000 });
const payload = JSON.stringify({ type: "segment.entered", data: { customer_id: "C-1001" } });

async function signed(body = payload, secret = vector.secret, timestamp = Math.floor(Date.now() / 1000)) {
  return { body, headers: await webhooks.sign(body, secret, { id: "msg_1", timestamp }) };
}

describe("webhooks.sign", () => {
  it("matches the Standard Webhooks reference vector", async () => {
    const headers = await webhooks.sign(vector.payload, vector.secret, {
      id: vector.id,
      timestamp: vector.timestamp,
    });
    expect(headers).toEqual({
      "webhook-id": vector.id,
      "webhook-timestamp": String(vector.timestamp),
      "webhook-signature": vector.signature,
    });
  });

  it("takes a Date and defaults the id", async () => {
    const headers = await webhooks.sign("{}", vector.secret, {
      timestamp: new Date(vector.timestamp * 1000),
    });
    expect(headers["webhook-timestamp"]).toBe(String(vector.timestamp));
    expect(headers["webhook-id"]).toMatch(/^msg_[0-9a-f-]{36}$/);
  });
});

describe("webhooks.verify", () => {
  it("verifies the reference vector and returns the parsed payload", async () => {
    const headers = {
      "webhook-id": vector.id,
      "webhook-timestamp": String(vector.timestamp),
      "webhook-signature": vector.signature,
    };
    expect(await webhooks.verify(vector.payload, headers, vector.secret, at(vector.timestamp))).toEqual({
      test: 2432232314,
    });
  });

  it("agrees with the standardwebhooks package both ways", async () => {
    const reference = new Webhook(vector.secret);
    const timestamp = new Date();
    const theirs = {
      "webhook-id": "msg_2",
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": reference.sign("msg_2", timestamp, payload),
    };
    expect(await webhooks.verify(payload, theirs, vector.secret)).toEqual(JSON.parse(payload));
    const ours = await webhooks.sign(payload, vector.secret, { id: "msg_3", timestamp });
    expect(reference.verify(payload, ours)).toEqual(JSON.parse(payload));
  });

  it("takes bytes, a Headers object and headers in any case", async () => {
    const { body, headers } = await signed();
    const bytes = new TextEncoder().encode(body);
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    await expect(webhooks.verify(bytes, new Headers(headers), vector.secret)).resolves.toBeTruthy();
    await expect(webhooks.verify(Buffer.from(body), shouted, vector.secret)).resolves.toBeTruthy();
  });

  it("accepts any one valid v1 signature among several", async () => {
    const { body, headers } = await signed();
    const signature = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc ${headers["webhook-signature"]}`;
    await expect(
      webhooks.verify(body, { ...headers, "webhook-signature": signature }, vector.secret),
    ).resolves.toBeTruthy();
  });

  it("takes a secret without the whsec_ prefix", async () => {
    const { body, headers } = await signed();
    await expect(webhooks.verify(body, headers, vector.secret.slice("whsec_".length))).resolves.toBeTruthy();
  });

  const rejects = async (promise: Promise<unknown>, message: RegExp) => {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as Error).message).toMatch(message);
  };

  it("rejects a tampered body", async () => {
    const { headers } = await signed();
    await rejects(
      webhooks.verify(payload.replace("C-1001", "C-6666"), headers, vector.secret),
      /No signature matches/,
    );
  });

  it("rejects the wrong secret", async () => {
    const { body, headers } = await signed();
    await rejects(
      webhooks.verify(body, headers, "whsec_c2VjcmV0LW9mLWFub3RoZXItaW50ZWdyYXRpb24="),
      /No signature/,
    );
  });

  it("rejects a timestamp more than 5 minutes old or ahead, and takes one just inside", async () => {
    const now = vector.timestamp;
    const { body, headers } = await signed(payload, vector.secret, now);
    await rejects(webhooks.verify(body, headers, vector.secret, at(now + 301)), /301 s old/);
    await rejects(webhooks.verify(body, headers, vector.secret, at(now - 301)), /301 s in the future/);
    await expect(webhooks.verify(body, headers, vector.secret, at(now + 300))).resolves.toBeTruthy();
    await expect(webhooks.verify(body, headers, vector.secret, at(now - 300))).resolves.toBeTruthy();
  });

  it("rejects missing headers, a malformed timestamp and a partial signature", async () => {
    const { body, headers } = await signed();
    const { "webhook-id": _id, ...withoutId } = headers;
    await rejects(webhooks.verify(body, withoutId, vector.secret), /Missing webhook-id/);
    await rejects(
      webhooks.verify(body, { ...headers, "webhook-timestamp": "soon" }, vector.secret),
      /Unix time/,
    );
    const partial = headers["webhook-signature"].slice(0, 12);
    await rejects(
      webhooks.verify(body, { ...headers, "webhook-signature": partial }, vector.secret),
      /No signature/,
    );
    await rejects(
      webhooks.verify(body, { ...headers, "webhook-signature": "v1," }, vector.secret),
      /No signature/,
    );
  });

  it("refuses a parsed object and says why", async () => {
    const { headers } = await signed();
    const parsed = JSON.parse(payload) as unknown as string;
    await rejects(
      webhooks.verify(parsed, headers, vector.secret),
      /raw body.*signature covers the exact bytes/s,
    );
  });

  it("rejects a secret that is not base64", async () => {
    const { body, headers } = await signed();
    await rejects(webhooks.verify(body, headers, "whsec_not base64!"), /not a Standard Webhooks secret/);
  });
});

describe("the event webhooks.verify returns", () => {
  it("is the contract's union of events, narrowed by type", async () => {
    const body = JSON.stringify({ type: "segmento.test", timestamp: "2026-06-07T12:00:00.000Z", data: {} });
    const { headers } = await signed(body);
    const event = await webhooks.verify(body, headers, vector.secret);
    expect(event).toEqual(JSON.parse(body));
    expectTypeOf(event).toEqualTypeOf<WebhookEvent>();
    expectTypeOf(event.type).toEqualTypeOf<"segment.message" | "segmento.test">();
    switch (event.type) {
      case "segment.message":
        expectTypeOf(event).toEqualTypeOf<SegmentMessageEvent>();
        expectTypeOf(event.data.text).toEqualTypeOf<string>();
        expectTypeOf(event.data.email).toEqualTypeOf<string | undefined>();
        // The customer's profile is the API's Customer.
        expectTypeOf(event.data.customer.churn_score).toEqualTypeOf<number | null>();
        break;
      case "segmento.test":
        expectTypeOf(event).toEqualTypeOf<SegmentoTestEvent>();
        expectTypeOf<keyof typeof event.data>().toBeNever();
        break;
      default:
        expectTypeOf(event).toBeNever();
    }
    // @ts-expect-error: not an event type Segmento sends, so the comparison can never be true.
    expect(event.type === "segment.entered").toBe(false);
  });
});
