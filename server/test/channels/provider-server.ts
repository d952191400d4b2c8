import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { DeliveryResult, SendOptions } from "../../src/channels/types.js";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

/** A local stand-in for a provider: records every request and answers with the replies queued (the last repeats). */
export async function startProvider() {
  const requests: ReceivedRequest[] = [];
  let replies: Reply[] = [{ status: 200 }];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const reply = (replies.length > 1 ? replies.shift() : replies[0]) ?? { status: 200 };
      if (reply.hang) return;
      const body = typeof reply.body === "object" ? JSON.stringify(reply.body) : (reply.body ?? "");
      const type = typeof reply.body === "object" ? "application/json" : "text/plain";
      res.writeHead(reply.status, { "content-type": type, ...reply.headers }).end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(...next: Reply[]) {
      replies = next;
    },
    reset() {
      requests.length = 0;
      replies = [{ status: 200 }];
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export type Provider = Awaited<ReturnType<typeof startProvider>>;

/** Starts a provider for the enclosing describe block, reset before each test and closed after. */
export function useProvider(): () => Provider {
  let provider: Provider | undefined;
  beforeAll(async () => {
    provider = await startProvider();
  });
  beforeEach(() => provider?.reset());
  afterAll(() => provider?.close());
  return () => {
    if (!provider) throw new Error("The provider server is not started");
    return provider;
  };
}

/** A result, in full, carries none of the secrets. */
export function expectNoSecrets(result: DeliveryResult, secrets: readonly string[]) {
  const text = JSON.stringify(result);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** The failures every channel classifies alike: the provider's own 4xx reason, 429, 5xx and a timeout. */
export function itClassifiesFailures(
  provider: () => Provider,
  call: (options: SendOptions) => Promise<DeliveryResult>,
  rejection: { status: number; body: string | object; reason: string | RegExp; secrets: readonly string[] },
) {
  it(`answers ${rejection.status} with the provider's reason, final and without secrets`, async () => {
    provider().reply({ status: rejection.status, body: rejection.body });
    const result = await call({});
    expect(result).toMatchObject({ ok: false, providerStatus: rejection.status, retryable: false });
    expect(result.reason).toMatch(rejection.reason);
    expectNoSecrets(result, rejection.secrets);
  });

  it("retries a 429 after its Retry-After", async () => {
    provider().reply({ status: 429, body: "slow down", headers: { "retry-after": "7" } });
    expect(await call({})).toMatchObject({
      ok: false,
      providerStatus: 429,
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it("retries a 500", async () => {
    provider().reply({ status: 500, body: "oops" });
    expect(await call({})).toMatchObject({ ok: false, providerStatus: 500, retryable: true });
  });

  it("retries a timeout", async () => {
    provider().reply({ status: 200, hang: true });
    const result = await call({ timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, providerStatus: null, retryable: true });
    expect(result.reason).toContain("100 ms");
  });
}
