import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliArgs, sharedEnvironment } from "./helpers/cli.js";
import {
  createTenant,
  request,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

const WINDOW_MS = 15 * 60 * 1000;
let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer({ rateLimit: { max: 1000, windowMs: WINDOW_MS } });
  tenant = await createTenant(server, "Busy");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

/** Fires `count` requests at once with one Authorization header and tallies the statuses. */
async function burst(base: string, count: number, authorization: string) {
  const responses = await Promise.all(
    Array.from({ length: count }, () => request(base, "/api/plans", { headers: { authorization } })),
  );
  const limited = responses.filter((r) => r.status === 429);
  return { passed: responses.filter((r) => r.status === 200).length, limited };
}

describe("the global rate limit (1000 requests per 15 minutes per API key)", () => {
  it("lets exactly 1,000 of 1,050 concurrent requests with one key through, with the RateLimit headers", async () => {
    const { passed, limited } = await burst(server.url, 1050, `Bearer ${tenant.apiKey}`);
    expect(passed).toBe(1000);
    expect(limited).toHaveLength(50);
    const refused = limited[0]!;
    expect(refused.body).toMatchObject({ code: "rate_limited" });
    expect(refused.body.error).toContain("the limit is 1000 requests per 15 minutes");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(refused.headers.get("ratelimit-limit")).toBe("1000");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("ratelimit-reset"))).toBe(retryAfter);
    expect(refused.headers.get("ratelimit-policy")).toBe("1000;w=900");
  });

  it("gives a second key its own bucket", async () => {
    const other = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "second" },
      cookie: tenant.cookie,
    });
    const { passed, limited } = await burst(server.url, 20, `Bearer ${other.body.key}`);
    expect(passed).toBe(20);
    expect(limited).toHaveLength(0);
  });
});

// The bucket lives in Redis so every API process shares it; without Redis there is nothing to share.
if (process.env.REDIS_URL) {
  describe("across processes", () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      child?.kill("SIGKILL");
    });

    it("shares one bucket between two server processes on one Redis", async () => {
      child = spawn(process.execPath, cliArgs("api"), {
        env: {
          ...sharedEnvironment(server.app.config),
          PORT: "0",
          RATE_LIMIT_MAX: "1000",
          RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
          LOG_LEVEL: "info",
        },
      });
      const otherUrl = await new Promise<string>((resolve, reject) => {
        let buffer = "";
        child!.stdout!.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          const line = buffer.split("\n").find((l) => l.includes("Segmento listening on"));
          if (line) resolve(JSON.parse(line).url);
        });
        child!.once("exit", (code) => reject(new Error(`second server exited with ${code}`)));
      });
      // A real key of its own: buckets are per existing API key (an unknown key counts against the client's IP).
      const other = await createTenant(server, "Shared bucket");
      const authorization = `Bearer ${other.apiKey}`;
      const [first, second] = await Promise.all([
        burst(server.url, 600, authorization),
        burst(otherUrl, 450, authorization),
      ]);
      expect(first.passed + second.passed).toBe(1000);
      expect(first.limited.length + second.limited.length).toBe(50);
    }, 60_000);
  });
}
