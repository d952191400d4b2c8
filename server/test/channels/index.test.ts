import { describe, expect, it } from "vitest";
import { adapters, deliver, testChannel } from "../../src/channels/index.js";
import { useProvider } from "./provider-server.js";

describe("channels", () => {
  const provider = useProvider();

  it("has one adapter per channel, each named for it", () => {
    expect(Object.keys(adapters).sort()).toEqual([
      "amazon_ses",
      "custom_webhook",
      "mailchimp",
      "messagebird",
      "sendgrid",
      "slack",
      "teams",
      "twilio",
    ]);
    for (const [channel, adapter] of Object.entries(adapters)) expect(adapter.channel).toBe(channel);
  });

  it("delivers and tests through the channel's adapter", async () => {
    provider().reply({ status: 202 });
    const options = { baseUrls: { sendgrid: provider().url } };
    const message = {
      to: { email: "a@b.example", customerKey: "c" },
      subject: "s",
      text: "t",
      idempotencyKey: "k",
    };
    const config = { apiKey: "SG.key", fromEmail: "news@acme.example" };
    expect(await deliver("sendgrid", config, message, options)).toMatchObject({ ok: true });
    expect(await testChannel("sendgrid", config, options)).toMatchObject({ ok: true });
    expect(provider().requests.map((r) => r.path)).toEqual(["/v3/mail/send", "/v3/scopes"]);
  });
});
