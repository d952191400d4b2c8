import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webhooks } from "../../sdk/src/index.js";
import { deliver } from "../../server/src/channels/index.js";
import { createReceiver, type Delivery, type SegmentoWebhookEvent, WEBHOOK_PATH } from "./server.js";

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const received: { event: SegmentoWebhookEvent; delivery: Delivery }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const app = createReceiver({
    secret,
    onMessage(event, delivery) {
      received.push({ event, delivery });
    },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

const event = (text: string) =>
  JSON.stringify({
    type: "segment.message",
    data: { customerId: "C-1001", email: "ada@example.com", text, customer: { segment: "Champions" } },
    timestamp: new Date().toISOString(),
  });

function post(body: string, headers: Record<string, string>) {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("examples/webhook-receiver", () => {
  it("handles a delivery signed with webhooks.sign, once, even when it is delivered again", async () => {
    const body = event("Welcome back");
    const headers = await webhooks.sign(body, secret);

    const first = await post(body, headers);
    expect(first.status).toBe(204);
    expect(received).toHaveLength(1);
    expect(received[0]?.event).toMatchObject({ type: "segment.message", data: { text: "Welcome back" } });
    expect(received[0]?.delivery.id).toBe(headers["webhook-id"]);

    // Segmento retries with the same webhook-id (and a fresh timestamp and signature).
    const retryHeaders = await webhooks.sign(body, secret, { id: headers["webhook-id"] });
    const again = await post(body, retryHeaders);
    expect(again.status).toBe(204);
    const replayed = await post(body, headers);
    expect(replayed.status).toBe(204);
    expect(received).toHaveLength(1);
  });

  it("refuses a body changed after it was signed (401)", async () => {
    const body = event("10% off");
    const headers = await webhooks.sign(body, secret);
    const response = await post(body.replace("10%", "90%"), headers);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/No signature matches/);
    expect(received).toHaveLength(0);
  });

  it("refuses a delivery signed with another secret (401)", async () => {
    const body = event("Hi");
    const headers = await webhooks.sign(body, `whsec_${randomBytes(24).toString("base64")}`);
    const response = await post(body, headers);
    expect(response.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it("refuses a delivery whose timestamp is 10 minutes old (401), as a replay", async () => {
    const body = event("Hi");
    const headers = await webhooks.sign(body, secret, { timestamp: new Date(Date.now() - 10 * 60_000) });
    const response = await post(body, headers);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/old/);
    expect(received).toHaveLength(0);
  });

  it("refuses a delivery without signature headers (401)", async () => {
    const response = await post(event("Hi"), {});
    expect(response.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it("answers 400 to a body that is not JSON-typed, or a signed payload that is not an event", async () => {
    const notJson = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    expect(notJson.status).toBe(400);

    const body = JSON.stringify([1, 2, 3]);
    const notEvent = await post(body, await webhooks.sign(body, secret));
    expect(notEvent.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it("verifies a delivery sent by Segmento's own custom_webhook adapter, end to end", async () => {
    const message = {
      to: { customerKey: "C-2002", email: "grace@example.com" },
      subject: "We miss you",
      text: "Here is 15% off your next order.",
      data: { churn_risk: "high", rfm_monetary: 1250.5 },
      idempotencyKey: "automation-1:run-7:C-2002",
    };
    const result = await deliver("custom_webhook", { url, signingSecret: secret }, message);
    expect(result).toMatchObject({ ok: true, providerStatus: 204 });
    expect(received).toHaveLength(1);
    expect(received[0]?.delivery.id).toBe(message.idempotencyKey);
    expect(received[0]?.event).toEqual({
      type: "segment.message",
      data: {
        customerId: "C-2002",
        email: "grace@example.com",
        subject: "We miss you",
        text: "Here is 15% off your next order.",
        customer: { churn_risk: "high", rfm_monetary: 1250.5 },
      },
      timestamp: expect.any(String),
    });

    // The adapter's retry of the same message (same idempotency key) is acknowledged but not handled again.
    const retry = await deliver("custom_webhook", { url, signingSecret: secret }, message);
    expect(retry.ok).toBe(true);
    expect(received).toHaveLength(1);
  });

  it("is refused by the receiver when the adapter signs with another integration's secret", async () => {
    const result = await deliver(
      "custom_webhook",
      { url, signingSecret: `whsec_${randomBytes(24).toString("base64")}` },
      { to: { customerKey: "C-3003" }, text: "Hi", idempotencyKey: "automation-1:run-8:C-3003" },
    );
    expect(result).toMatchObject({ ok: false, providerStatus: 401, retryable: false });
    expect(received).toHaveLength(0);
  });
});
