import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../src/operations/index.js";
import { signUp, startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ contactRateLimit: { max: 8, windowMs: 60_000 } });
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("health", () => {
  it("reports each dependency", async () => {
    const res = await server.request("/api/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.dependencies.database).toMatchObject({
      status: "up",
      kind: process.env.DATABASE_URL ? "postgres" : "pglite",
    });
    expect(res.body.dependencies.queue).toMatchObject({
      status: "up",
      kind: process.env.REDIS_URL ? "redis" : "in-process",
    });
    expect(res.body.mode).toBe(process.env.DATABASE_URL || process.env.REDIS_URL ? "services" : "embedded");
  });
});

describe("request ids", () => {
  it("echoes a sane X-Request-Id and makes one otherwise", async () => {
    const mine = await server.request("/api/health", { headers: { "x-request-id": "trace-123" } });
    expect(mine.headers.get("x-request-id")).toBe("trace-123");
    const made = await server.request("/api/health", { headers: { "x-request-id": "bad id!" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.some((line) => line.includes('"requestId":"trace-123"'))).toBe(true);
  });
});

describe("errors", () => {
  it("answers 404 for unknown routes in the surface's shape", async () => {
    const gateway = await server.request("/api/nope");
    expect(gateway.status).toBe(404);
    expect(gateway.body).toMatchObject({
      code: "route_not_found",
      error: "There is no route GET /api/nope. See the API reference for the available endpoints.",
    });
    const engine = await server.request("/api/engine/nope", { headers: { "accept-language": "tr" } });
    expect(engine.status).toBe(404);
    expect(engine.body.code).toBe("route_not_found");
    expect(engine.body.detail).toContain("diye bir yol yok");
    expect(engine.body.error).toBeUndefined();
  });

  it("serves every operation of the contract: none answers 501 not_implemented", async () => {
    const served = new Set<string>(operations.map((o) => o.id));
    const unserved = server.app.contract.operations
      .filter((op) => op.handledBy === "router" && !served.has(op.id))
      .map((op) => op.id);
    expect(unserved).toEqual([]);
    // And the one that was last to land answers, after authentication, as a member would expect.
    const path = `/api/organizations/${randomUUID()}/usage`;
    expect((await server.request(path)).status).toBe(401);
    const { cookie } = await signUp(server);
    const res = await server.request(path, { cookie });
    expect(res.status).toBe(404);
  });

  it("answers 400 naming the field and the rule broken, localized", async () => {
    const res = await server.request("/api/contact", {
      body: { name: "A", email: "not-an-email", message: "short" },
      headers: { "accept-language": "tr-TR,tr;q=0.9" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errorCount).toBe(3);
    const byField = Object.fromEntries(res.body.details.map((d: { field: string }) => [d.field, d]));
    expect(byField.name).toMatchObject({
      location: "body",
      rule: "minLength",
      message: "name en az 2 karakter olmalıdır.",
    });
    expect(byField.email).toMatchObject({ rule: "format" });
    expect(byField.message).toMatchObject({ rule: "minLength" });
    expect(res.headers.get("content-language")).toBe("tr");
  });

  it("rejects unknown fields and a non-JSON body", async () => {
    const extra = await server.request("/api/contact", {
      body: { name: "Ada", email: "ada@example.com", message: "hello there, world", admin: true },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.details[0]).toMatchObject({ field: "admin", rule: "additionalProperties" });
    const broken = await server.request("/api/contact", {
      rawBody: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe("invalid_json");
    const text = await server.request("/api/contact", {
      rawBody: "name=Ada",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(400);
    expect(text.body.details[0]).toMatchObject({ location: "header", field: "Content-Type" });
  });

  it("answers 413 for a body over the limit", async () => {
    const res = await server.request("/api/contact", {
      rawBody: JSON.stringify({
        name: "Ada",
        email: "ada@example.com",
        message: "x".repeat(17 * 1024 * 1024),
      }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });
});

describe("contact", () => {
  it("stores the message, queues the mail to support and answers 201", async () => {
    const res = await server.request("/api/contact", {
      body: {
        name: "Ada Lovelace",
        email: "ada@example.com",
        message: "Segmentation job 8f1c2d3e... failed at 40% with a schema error.",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "queued" });
    const stored = await server.app.db.knex("contact_messages").where({ id: res.body.id }).first();
    expect(stored).toMatchObject({ name: "Ada Lovelace", email: "ada@example.com" });
    const mail = await server.app.db.knex("mail_outbox").orderBy("created_at", "desc").first();
    expect(mail).toMatchObject({
      to_address: "support@segmento.app",
      reply_to: "ada@example.com",
      status: "queued",
    });
    expect(mail.body).toContain("failed at 40%");
  });

  it("limits messages per IP with RateLimit headers and Retry-After", async () => {
    const send = () =>
      server.request("/api/contact", {
        body: { name: "Bob", email: "bob@example.com", message: "a message of 10+" },
      });
    const statuses: number[] = [];
    let last = await send();
    statuses.push(last.status);
    while (last.status !== 429 && statuses.length < 10) {
      last = await send();
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(8);
    expect(last.status).toBe(429);
    expect(last.body.code).toBe("rate_limited");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last.headers.get("ratelimit-limit")).toBe("8");
    expect(last.headers.get("ratelimit-remaining")).toBe("0");
    expect(last.headers.get("ratelimit-policy")).toBe("8;w=60");
  });
});

describe("public catalogue", () => {
  it("lists the four plans with the docs' prices and limits", async () => {
    const res = await server.request("/api/plans");
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.plans.map((p: { id: string }) => [p.id, p]));
    expect(byId.free.limits).toEqual({
      rows: 500000,
      profiles: 5000,
      modelRuns: 5,
      genaiOps: 5,
      automations: 2,
      storageGb: 0.5,
      teamSeats: 1,
    });
    expect(byId.pro).toMatchObject({ priceMonthlyUsd: 99, priceAnnualMonthlyUsd: 79 });
    expect(byId.enterprise.limits.rows).toBeNull();
    // Every API response carries the global limit's state (the test server's limit is raised to 100,000).
    expect(res.headers.get("ratelimit-limit")).toBe("100000");
    expect(res.headers.get("ratelimit-policy")).toBe("100000;w=900");
  });
});

describe("logs", () => {
  it("never contain a password or session token", async () => {
    const password = "correct-horse-battery-staple";
    const res = await server.request("/api/auth/sign-up/email", {
      body: { name: "Log Check", email: `log.${randomUUID()}@example.com`, password },
    });
    expect(res.status).toBe(200);
    const token = res.body.token as string;
    await server.request("/api/health", { headers: { authorization: `Bearer ${token}` } });
    const everything = server.logs.join("\n");
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(token);
  });
});
