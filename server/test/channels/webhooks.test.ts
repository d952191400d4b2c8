import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { customWebhook } from "../../src/channels/custom-webhook.js";
import { slack } from "../../src/channels/slack.js";
import { teams } from "../../src/channels/teams.js";
import type { SendOptions } from "../../src/channels/types.js";
import { expectNoSecrets, itClassifiesFailures, useProvider } from "./provider-server.js";

// The reference implementation, independent of ours.
const { Webhook } = createRequire(import.meta.url)("standardwebhooks") as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

const message = {
  to: { email: "ada@example.com", customerKey: "cus_1" },
  subject: "We miss you",
  text: "Come back.",
  data: { firstName: "Ada", churnScore: 0.8 },
  idempotencyKey: "msg_aut1_run1_cus1",
};

describe("slack", () => {
  const provider = useProvider();
  const config = () => ({ webhookUrl: `${provider().url}/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX` });

  it("posts {text} to the incoming webhook; 200 ok", async () => {
    provider().reply({ status: 200, body: "ok" });
    expect(await slack.send(config(), message, {})).toMatchObject({ ok: true, providerResponse: "ok" });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX" });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ text: "*We miss you*\nCome back." });
  });

  it("tests with a short message", async () => {
    expect(await slack.test(config(), {})).toMatchObject({ ok: true });
    expect(JSON.parse(provider().requests[0]?.body ?? "")).toHaveProperty("text");
  });

  it("keeps the webhook URL, which holds the token, out of network errors", async () => {
    const result = await slack.send(
      { webhookUrl: "http://127.0.0.1:1/services/T000/B000/SECRETTOKEN" },
      message,
      {},
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
    expectNoSecrets(result, ["SECRETTOKEN"]);
  });

  itClassifiesFailures(provider, (options: SendOptions) => slack.send(config(), message, options), {
    status: 403,
    body: "invalid_token",
    reason: "invalid_token",
    secrets: ["XXXXXXXXXXXXXXXXXXXXXXXX"],
  });
});

describe("teams", () => {
  const provider = useProvider();
  const config = () => ({ webhookUrl: `${provider().url}/webhookb2/0000@0000/IncomingWebhook/abcd/ef01` });

  it("posts an Adaptive Card message", async () => {
    provider().reply({ status: 200, body: "1" });
    expect(await teams.send(config(), message, {})).toMatchObject({ ok: true });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/webhookb2/0000@0000/IncomingWebhook/abcd/ef01" });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.2",
            body: [
              { type: "TextBlock", text: "We miss you", weight: "Bolder", size: "Medium", wrap: true },
              { type: "TextBlock", text: "Come back.", wrap: true },
            ],
          },
        },
      ],
    });
  });

  it("tests with a short card; a Workflows webhook answers 202", async () => {
    provider().reply({ status: 202 });
    expect(await teams.test(config(), {})).toMatchObject({ ok: true, providerStatus: 202 });
  });

  it("reads the Workflows error shape", async () => {
    provider().reply({
      status: 400,
      body: { error: { code: "TriggerInputSchemaMismatch", message: "Bad input" } },
    });
    expect(await teams.send(config(), message, {})).toMatchObject({
      retryable: false,
      reason: "TriggerInputSchemaMismatch: Bad input",
    });
  });

  itClassifiesFailures(provider, (options: SendOptions) => teams.send(config(), message, options), {
    status: 400,
    body: "Summary or Text is required.",
    reason: "Summary or Text is required.",
    secrets: ["IncomingWebhook/abcd/ef01"],
  });
});

describe("custom_webhook", () => {
  const provider = useProvider();
  const signingSecret = `whsec_${Buffer.from("a 32-byte secret for the tests!!").toString("base64")}`;
  const config = () => ({ url: `${provider().url}/hooks/segmento`, signingSecret });
  const now = new Date();

  it("posts a segment.message signed with Standard Webhooks", async () => {
    provider().reply({ status: 204 });
    expect(await customWebhook.send(config(), message, { now: () => now })).toMatchObject({ ok: true });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/hooks/segmento" });
    expect(request?.headers["webhook-id"]).toBe("msg_aut1_run1_cus1");
    expect(request?.headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    const headers = {
      "webhook-id": String(request?.headers["webhook-id"]),
      "webhook-timestamp": String(request?.headers["webhook-timestamp"]),
      "webhook-signature": String(request?.headers["webhook-signature"]),
    };
    expect(new Webhook(signingSecret).verify(request?.body ?? "", headers)).toEqual({
      type: "segment.message",
      data: {
        customerId: "cus_1",
        email: "ada@example.com",
        subject: "We miss you",
        text: "Come back.",
        customer: { firstName: "Ada", churnScore: 0.8 },
      },
      timestamp: now.toISOString(),
    });
    const tampered = (request?.body ?? "").replace("Ada", "Eve");
    expect(() => new Webhook(signingSecret).verify(tampered, headers)).toThrow();
  });

  it("tests with a signed segmento.test delivery", async () => {
    expect(await customWebhook.test(config(), {})).toMatchObject({ ok: true });
    const [request] = provider().requests;
    const payload = new Webhook(signingSecret).verify(request?.body ?? "", {
      "webhook-id": String(request?.headers["webhook-id"]),
      "webhook-timestamp": String(request?.headers["webhook-timestamp"]),
      "webhook-signature": String(request?.headers["webhook-signature"]),
    });
    expect(payload).toMatchObject({ type: "segmento.test" });
  });

  it("does not follow redirects", async () => {
    provider().reply({ status: 302, headers: { location: "http://169.254.169.254/latest/meta-data" } });
    const result = await customWebhook.send(config(), message, {});
    expect(result).toMatchObject({ ok: false, providerStatus: 302, retryable: false });
    expect(provider().requests).toHaveLength(1);
  });

  it("stops reading an answer beyond maxResponseBytes and stores at most 2 kB", async () => {
    provider().reply({ status: 200, body: "x".repeat(200_000) });
    const result = await customWebhook.send(config(), message, { maxResponseBytes: 1000 });
    expect(result.ok).toBe(true);
    expect(result.providerResponse).toHaveLength(1000);
    provider().reply({ status: 200, body: "y".repeat(10_000) });
    expect((await customWebhook.send(config(), message, {})).providerResponse).toHaveLength(2048);
  });

  it("parses Retry-After given as an HTTP date", async () => {
    const retryAt = new Date(now.getTime() + 30_000);
    provider().reply({ status: 503, headers: { "retry-after": retryAt.toUTCString() } });
    const result = await customWebhook.send(config(), message, { now: () => now });
    expect(result).toMatchObject({ retryable: true });
    expect(result.retryAfterMs).toBeGreaterThan(29_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  itClassifiesFailures(provider, (options: SendOptions) => customWebhook.send(config(), message, options), {
    status: 410,
    body: { message: "gone" },
    reason: "HTTP 410",
    secrets: [signingSecret],
  });
});
