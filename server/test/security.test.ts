import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestServer, TEST_ORIGIN, type TestServer } from "./helpers/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("HTTP security", () => {
  it("sends helmet's security headers", async () => {
    const res = await server.request("/api/plans");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("allows CORS for trusted origins only, with credentials and our headers exposed", async () => {
    const preflight = await fetch(`${server.url}/api/organizations`, {
      method: "OPTIONS",
      headers: { origin: TEST_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(TEST_ORIGIN);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const simple = await server.request("/api/plans");
    expect(simple.headers.get("access-control-expose-headers")).toContain("RateLimit-Remaining");
    const evil = await fetch(`${server.url}/api/organizations`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("keeps better-auth's Origin check: a cookie POST from an untrusted origin is refused", async () => {
    const { cookie } = await signUp(server);
    const res = await server.request("/api/auth/sign-out", {
      method: "POST",
      cookie,
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    const session = await server.request("/api/auth/get-session", { cookie });
    expect(session.body?.user).toBeDefined();
  });

  it("exposes only the auth routes the contract documents", async () => {
    const { cookie } = await signUp(server);
    const hidden = await server.request("/api/auth/organization/create", {
      body: { name: "Sneaky", slug: "sneaky" },
      cookie,
    });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe("route_not_found");
  });

  it("answers 401 to an anonymous caller of a session route", async () => {
    const res = await server.request("/api/organizations");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: "unauthorized" });
  });
});
