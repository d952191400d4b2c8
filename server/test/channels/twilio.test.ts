import { describe, expect, it } from "vitest";
import { twilio } from "../../src/channels/twilio.js";
import type { SendOptions } from "../../src/channels/types.js";
import { itClassifiesFailures, useProvider } from "./provider-server.js";

const config = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "f00dfeedf00dfeedf00dfeedf00dfeed",
  fromNumber: "+15005550006",
};
const message = {
  to: { phone: "+491701234567", customerKey: "cus_1" },
  text: "Come back for 10% off & more",
  idempotencyKey: "aut_1:run_1:cus_1",
};
const accountPath = `/2010-04-01/Accounts/${config.accountSid}`;

describe("twilio", () => {
  const provider = useProvider();
  const options = (extra: SendOptions = {}): SendOptions => ({
    baseUrls: { twilio: provider().url },
    ...extra,
  });

  it("creates a Message, form-encoded, with basic auth", async () => {
    provider().reply({ status: 201, body: { sid: "SM123", status: "queued" } });
    expect(await twilio.send(config, message, options())).toMatchObject({ ok: true, providerStatus: 201 });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: `${accountPath}/Messages.json` });
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`,
    );
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      To: "+491701234567",
      From: "+15005550006",
      Body: "Come back for 10% off & more",
    });
  });

  it("tests by fetching the account", async () => {
    provider().reply({ status: 200, body: { sid: config.accountSid, status: "active" } });
    expect(await twilio.test(config, options())).toMatchObject({ ok: true });
    expect(provider().requests[0]).toMatchObject({ method: "GET", path: `${accountPath}.json` });
  });

  it("refuses a customer without a phone number", async () => {
    const result = await twilio.send(config, { ...message, to: { customerKey: "cus_2" } }, options());
    expect(result).toMatchObject({ ok: false, retryable: false, reason: "The customer has no phone number" });
  });

  itClassifiesFailures(provider, (extra) => twilio.send(config, message, options(extra)), {
    status: 400,
    body: {
      code: 21211,
      message: "The 'To' number +491701234567 is not a valid phone number.",
      more_info: "https://www.twilio.com/docs/errors/21211",
      status: 400,
    },
    reason: "The 'To' number +491701234567 is not a valid phone number. (Twilio error 21211)",
    secrets: [config.authToken],
  });
});
