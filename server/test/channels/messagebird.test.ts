import { describe, expect, it } from "vitest";
import { messagebird } from "../../src/channels/messagebird.js";
import type { SendOptions } from "../../src/channels/types.js";
import { itClassifiesFailures, useProvider } from "./provider-server.js";

const config = { apiKey: "live_0123456789abcdefghijABCDE", originator: "Acme" };
const message = { to: { phone: "+31612345678", customerKey: "cus_1" }, text: "Hello", idempotencyKey: "k1" };

describe("messagebird", () => {
  const provider = useProvider();
  const options = (extra: SendOptions = {}): SendOptions => ({
    baseUrls: { messagebird: provider().url },
    ...extra,
  });

  it("creates a message with the AccessKey header", async () => {
    provider().reply({ status: 201, body: { id: "e8077d803532c0b5937c639b60216938", recipients: {} } });
    expect(await messagebird.send(config, message, options())).toMatchObject({
      ok: true,
      providerStatus: 201,
    });
    const [request] = provider().requests;
    expect(request).toMatchObject({ method: "POST", path: "/messages" });
    expect(request?.headers.authorization).toBe(`AccessKey ${config.apiKey}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      originator: "Acme",
      recipients: ["31612345678"],
      body: "Hello",
      reference: "k1",
    });
  });

  it("tests by reading the balance", async () => {
    provider().reply({ status: 200, body: { payment: "prepaid", type: "credits", amount: 10 } });
    expect(await messagebird.test(config, options())).toMatchObject({ ok: true });
    expect(provider().requests[0]).toMatchObject({ method: "GET", path: "/balance" });
  });

  itClassifiesFailures(provider, (extra) => messagebird.send(config, message, options(extra)), {
    status: 401,
    body: {
      errors: [
        { code: 2, description: "Request not allowed (incorrect access_key)", parameter: "access_key" },
      ],
    },
    reason: "Request not allowed (incorrect access_key)",
    secrets: [config.apiKey],
  });
});
