import { describe, expect, it } from "vitest";
import { amazonSes } from "../../src/channels/amazon-ses.js";
import { sha256, signRequest } from "../../src/channels/sigv4.js";
import type { SendOptions } from "../../src/channels/types.js";
import { itClassifiesFailures, useProvider } from "./provider-server.js";

/** AWS's published SigV4 test suite: its credentials, clock, region and service. */
const suiteSignature = (url: string) =>
  signRequest({
    method: "GET",
    url: new URL(url),
    headers: {},
    body: "",
    region: "us-east-1",
    service: "service",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    now: new Date("2015-08-30T12:36:00Z"),
  });

describe("SigV4", () => {
  it("matches AWS's published get-vanilla test vector", () => {
    const headers = suiteSignature("https://example.amazonaws.com/");
    expect(headers["x-amz-date"]).toBe("20150830T123600Z");
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
        "SignedHeaders=host;x-amz-date, " +
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("matches the get-vanilla-query-order-key-case vector (sorted query)", () => {
    expect(
      suiteSignature("https://example.amazonaws.com/?Param2=value2&Param1=value1").authorization,
    ).toMatch(/Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
  });

  it("hashes the empty payload as AWS documents", () => {
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

const config = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "eu-central-1",
  fromEmail: "news@acme.example",
};
const message = {
  to: { email: "ada@example.com", customerKey: "cus_1" },
  subject: "We miss you",
  text: "Come back.",
  idempotencyKey: "k1",
};
const now = new Date("2026-03-01T10:00:00Z");

describe("amazon_ses", () => {
  const provider = useProvider();
  const options = (extra: SendOptions = {}): SendOptions => ({
    baseUrls: { amazon_ses: provider().url },
    now: () => now,
    ...extra,
  });

  it("sends a simple message through SES v2 SendEmail, signed for ses in the region", async () => {
    provider().reply({ status: 200, body: { MessageId: "0100018e-0000" } });
    expect(await amazonSes.send(config, message, options())).toMatchObject({ ok: true, providerStatus: 200 });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/v2/email/outbound-emails" });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-amz-date"]).toBe("20260301T100000Z");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      FromEmailAddress: "news@acme.example",
      Destination: { ToAddresses: ["ada@example.com"] },
      Content: {
        Simple: {
          Subject: { Data: "We miss you", Charset: "UTF-8" },
          Body: { Text: { Data: "Come back.", Charset: "UTF-8" } },
        },
      },
    });
    // The server's view: signing what arrived gives the signature that arrived.
    const expected = signRequest({
      method: "POST",
      url: new URL(`${provider().url}${request?.path}`),
      headers: { "content-type": "application/json" },
      body: request?.body ?? "",
      region: "eu-central-1",
      service: "ses",
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      now,
    });
    expect(request?.headers.host).toBe(new URL(provider().url).host);
    expect(request?.headers.authorization).toBe(expected.authorization);
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260301\/eu-central-1\/ses\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it("tests with GetAccount", async () => {
    provider().reply({ status: 200, body: { SendingEnabled: true } });
    expect(await amazonSes.test(config, options())).toMatchObject({ ok: true });
    expect(provider().requests[0]).toMatchObject({ method: "GET", path: "/v2/email/account" });
  });

  it("defaults to the regional endpoint", async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response("{}", { status: 200 });
    };
    await amazonSes.test(config, { fetch: fetchSpy });
    expect(seen).toEqual(["https://email.eu-central-1.amazonaws.com/v2/email/account"]);
  });

  itClassifiesFailures(provider, (extra) => amazonSes.send(config, message, options(extra)), {
    status: 400,
    body: {
      message:
        "Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: news@acme.example",
    },
    reason: /^Email address is not verified/,
    secrets: [config.secretAccessKey],
  });

  it("reads the signing front end's {Message} error shape", async () => {
    provider().reply({
      status: 403,
      body: { Message: "The security token included in the request is invalid." },
    });
    const result = await amazonSes.send(config, message, options());
    expect(result).toMatchObject({
      retryable: false,
      reason: "The security token included in the request is invalid.",
    });
  });
});
