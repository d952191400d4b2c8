import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  signUp,
  startTestServer,
  type Tenant,
  type TestResponse,
  type TestServer,
} from "./helpers/test-server.js";

const WINDOW_MS = 15 * 60 * 1000;
let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer({ rateLimit: { max: 150, windowMs: WINDOW_MS } });
  tenant = await createTenant(server, "Guarded");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
/** What an attacker varies to look like a new client each time. */
const randomAuthorization = (i: number) => (i % 2 === 0 ? `Bearer sk_live_${hex(32)}` : `Bearer ${hex(12)}`);

/** The better-auth routes' answers must match the contract too (the router's check does not see them). */
function expectContract(operationId: string, response: TestResponse) {
  const op = server.app.contract.operation(operationId);
  expect(server.app.contract.checkResponse(op, response.status, "application/json", response.body)).toEqual(
    [],
  );
}

const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  server.request("/api/auth/sign-in/email", { body: { email, password }, headers });

describe("sign-in throttling per account", () => {
  it("after 24 wrong passwords from random headers and addresses, the right one gets 429 with Retry-After", async () => {
    const victim = await signUp(server, "Victim");
    const bystander = await signUp(server, "Bystander");
    const answers: TestResponse[] = [];
    for (let i = 0; i < 24; i++) {
      answers.push(
        await signIn(victim.email, `wrong-${hex(6)}`, {
          authorization: randomAuthorization(i),
          "x-forwarded-for": `203.0.113.${i + 1}`,
        }),
      );
    }
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(401));
    expect(answers[0]?.body).toMatchObject({ code: "invalid_email_or_password" });
    expectContract("signInEmail", answers[0]!);
    expect(answers.slice(10).every((a) => a.status === 429)).toBe(true);

    const right = await signIn(victim.email, victim.password, { authorization: randomAuthorization(99) });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe("rate_limited");
    expect(right.body.error).toContain("this account");
    const retryAfter = Number(right.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(right.headers.get("set-cookie")).toBeNull();
    expectContract("signInEmail", right);

    // Per account: another user on the same address still signs in.
    const other = await signIn(bystander.email, bystander.password);
    expect(other.status, other.text).toBe(200);
  });
});

describe("better-auth's errors in the documented shape", () => {
  it("answers {error, code} with our lower-case codes, localized", async () => {
    const existing = await signUp(server, "Taken");
    const taken = await server.request("/api/auth/sign-up/email", {
      body: { name: "Again", email: existing.email, password: "long-enough-password" },
      headers: { "accept-language": "tr" },
    });
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ code: "user_already_exists" });
    expect(taken.body.error).toContain("oturum açın");
    expect(taken.body.requestId).toBe(taken.headers.get("x-request-id"));
    expectContract("signUpEmail", taken);

    const short = await server.request("/api/auth/sign-up/email", {
      body: { name: "Short", email: `short.${hex(4)}@example.com`, password: "short" },
    });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe("password_too_short");
    expectContract("signUpEmail", short);

    const foreign = await server.request("/api/auth/sign-up/email", {
      body: { name: "Foreign", email: `foreign.${hex(4)}@example.com`, password: "long-enough-password" },
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("origin_not_trusted");
    expect(foreign.body.error).toContain("TRUSTED_ORIGINS");
    expectContract("signUpEmail", foreign);
  });
});

describe("the global limit's buckets", () => {
  it("random Authorization headers count against the client's address, a real key has its own bucket", async () => {
    const probe = await server.request("/api/plans");
    const remaining = Number(probe.headers.get("ratelimit-remaining"));
    expect(remaining).toBeGreaterThan(0);
    for (let i = 0; i < remaining; i++) {
      const answer = await server.request("/api/plans", {
        headers: { authorization: randomAuthorization(i) },
      });
      expect(answer.status).toBe(200);
    }
    const refused = await server.request("/api/plans", {
      headers: { authorization: randomAuthorization(1) },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    const withKey = await server.request("/api/plans", {
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(withKey.status).toBe(200);
  });
});
