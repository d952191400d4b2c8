import { describe, expect, it } from "vitest";
import { sendgrid } from "../../src/channels/sendgrid.js";
import type { SendOptions } from "../../src/channels/types.js";
import { itClassifiesFailures, useProvider } from "./provider-server.js";

const config = { apiKey: "SG.test-key.very-secret-part", fromEmail: "news@acme.example", fromName: "Acme" };
const message = {
  to: { email: "ada@example.com", customerKey: "cus_1" },
  subject: "We miss you",
  text: "Come back for 10% off.",
  idempotencyKey: "aut_1:run_1:cus_1",
};

describe("sendgrid", () => {
  const provider = useProvider();
  const options = (extra: SendOptions = {}): SendOptions => ({
    baseUrls: { sendgrid: provider().url },
    ...extra,
  });

  it("sends through v3 mail send with the bearer key", async () => {
    provider().reply({ status: 202 });
    const result = await sendgrid.send(config, message, options());
    expect(result).toMatchObject({ ok: true, providerStatus: 202, retryable: false, reason: null });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/v3/mail/send" });
    expect(request?.headers.authorization).toBe(`Bearer ${config.apiKey}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      personalizations: [{ to: [{ email: "ada@example.com" }] }],
      from: { email: "news@acme.example", name: "Acme" },
      subject: "We miss you",
      content: [{ type: "text/plain", value: "Come back for 10% off." }],
      custom_args: { segmento_delivery: "aut_1:run_1:cus_1" },
    });
  });

  it("tests the key by listing its scopes", async () => {
    provider().reply({ status: 200, body: { scopes: ["mail.send"] } });
    expect(await sendgrid.test(config, options())).toMatchObject({ ok: true, providerStatus: 200 });
    expect(provider().requests[0]).toMatchObject({ method: "GET", path: "/v3/scopes" });
  });

  it("refuses, without calling, a customer without an email or an integration without a sender", async () => {
    const noEmail = await sendgrid.send(config, { ...message, to: { customerKey: "cus_2" } }, options());
    expect(noEmail).toMatchObject({
      ok: false,
      retryable: false,
      reason: "The customer has no email address",
    });
    const noSender = await sendgrid.send({ apiKey: config.apiKey }, message, options());
    expect(noSender.reason).toContain("fromEmail");
    expect(provider().requests).toHaveLength(0);
  });

  itClassifiesFailures(provider, (extra) => sendgrid.send(config, message, options(extra)), {
    status: 401,
    // The answer echoes the key, as some gateways do: it must come back redacted.
    body: {
      errors: [
        {
          message: `The provided authorization grant is invalid, expired, or revoked (${config.apiKey})`,
          field: null,
          help: null,
        },
      ],
    },
    reason: /^The provided authorization grant is invalid, expired, or revoked/,
    secrets: [config.apiKey],
  });
});
