import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mailchimp, mailchimpBaseUrl } from "../../src/channels/mailchimp.js";
import type { SendOptions } from "../../src/channels/types.js";
import { itClassifiesFailures, useProvider } from "./provider-server.js";

const config = { apiKey: "0123456789abcdef0123456789abcdef-us6", listId: "a1b2c3d4e5" };
const message = {
  to: { email: "Ada@Example.com", customerKey: "cus_1" },
  text: "unused by Mailchimp",
  tag: "win-back",
  idempotencyKey: "aut_1:run_1:cus_1",
};
const hash = createHash("md5").update("ada@example.com").digest("hex");
const basic = `Basic ${Buffer.from(`segmento:${config.apiKey}`).toString("base64")}`;

describe("mailchimp", () => {
  const provider = useProvider();
  const options = (extra: SendOptions = {}): SendOptions => ({
    baseUrls: { mailchimp: provider().url },
    ...extra,
  });

  it("finds the data center in the key's suffix", () => {
    expect(mailchimpBaseUrl(config, {})).toBe("https://us6.api.mailchimp.com/3.0");
  });

  it("upserts the list member by the MD5 of the lowercased email, then tags it", async () => {
    provider().reply({ status: 200, body: { id: hash, status: "subscribed" } }, { status: 204 });
    const result = await mailchimp.send(config, message, options());
    expect(result).toMatchObject({ ok: true, providerStatus: 200 });
    const [member, tags] = provider().requests;
    expect(member).toMatchObject({ method: "PUT", path: `/lists/a1b2c3d4e5/members/${hash}` });
    expect(member?.headers.authorization).toBe(basic);
    expect(member?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(member?.body ?? "")).toEqual({
      email_address: "Ada@Example.com",
      status_if_new: "subscribed",
    });
    expect(tags).toMatchObject({ method: "POST", path: `/lists/a1b2c3d4e5/members/${hash}/tags` });
    expect(JSON.parse(tags?.body ?? "")).toEqual({ tags: [{ name: "win-back", status: "active" }] });
  });

  it("reports a failed tagging", async () => {
    provider().reply({ status: 200, body: {} }, { status: 500, body: "" });
    expect(await mailchimp.send(config, message, options())).toMatchObject({ ok: false, retryable: true });
  });

  it("tests with a ping, then reads the audience", async () => {
    provider().reply(
      { status: 200, body: { health_status: "Everything's Chimpy!" } },
      { status: 200, body: {} },
    );
    expect(await mailchimp.test(config, options())).toMatchObject({ ok: true });
    expect(provider().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /ping",
      "GET /lists/a1b2c3d4e5",
    ]);
  });

  it("refuses a key without a data center", async () => {
    const result = await mailchimp.test({ ...config, apiKey: "nodatacenter" }, {});
    expect(result).toMatchObject({ ok: false, retryable: false });
  });

  itClassifiesFailures(provider, (extra) => mailchimp.send(config, message, options(extra)), {
    status: 401,
    body: {
      type: "https://mailchimp.com/developer/marketing/docs/errors/",
      title: "API Key Invalid",
      status: 401,
      detail: "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
      instance: "4f7d5c0e-0000-4000-8000-000000000000",
    },
    reason:
      "API Key Invalid: Your API key may be invalid, or you've attempted to access the wrong datacenter.",
    secrets: [config.apiKey],
  });
});
