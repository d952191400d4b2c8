import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { defineOperation, type OperationDefinition } from "../src/http/operation.js";
import { createLogger } from "../src/logger.js";
import { type RequestOptions, request, startTestServer } from "./helpers/test-server.js";

/** Serves an app built from a context that was never migrated or connected, for dependency-failure cases. */
async function serve(env: Record<string, string>, definitions?: OperationDefinition[]) {
  const config = loadConfig(env, {
    authSecret: randomBytes(32).toString("hex"),
    encryptionKey: randomBytes(32).toString("hex"),
    validateResponses: true,
    logLevel: "silent",
  });
  const app = await createContext(config, { logger: createLogger(config), inMemoryDatabase: true });
  const http = createApp(app, definitions).listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    app,
    request: (path: string, init?: RequestOptions) => request(base, path, init),
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await app.close();
    },
  };
}

describe("when a dependency is down", () => {
  it("answers 503 naming the database; it is alive but not ready, and health says which one", async () => {
    const server = await serve({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/segmento" });
    try {
      const health = await server.request("/api/health");
      expect(health.status).toBe(200);
      expect(health.body.status).toBe("degraded");
      const ready = await server.request("/api/health/ready");
      expect(ready.status).toBe(503);
      const body = ready.body;
      expect(body.status).toBe("not_ready");
      expect(body.dependencies.database.status).toBe("down");
      expect(body.migrations).toEqual({ status: "unknown", pending: [] });
      const contact = await server.request("/api/contact", {
        body: { name: "Ada", email: "ada@example.com", message: "hello there, world" },
      });
      expect(contact.status).toBe(503);
      expect(contact.body).toMatchObject({
        code: "dependency_unavailable",
        error: "The database is unavailable right now. Retry in a few seconds.",
      });
      expect(contact.headers.get("retry-after")).toBe("5");
    } finally {
      await server.close();
    }
  });

  it("reports Redis down in health, and is not ready", async () => {
    const server = await serve({ REDIS_URL: "redis://127.0.0.1:1" });
    try {
      const health = await server.request("/api/health");
      expect(health.status).toBe(200);
      expect(health.body.status).toBe("degraded");
      const ready = await server.request("/api/health/ready");
      expect(ready.status).toBe(503);
      const body = ready.body;
      expect(body.dependencies.queue).toMatchObject({ status: "down", kind: "redis" });
      expect(body.dependencies.database.status).toBe("up");
      // Rate limits live in Redis: other requests say which dependency is missing instead of failing blindly.
      const plans = await server.request("/api/plans");
      expect(plans.status).toBe(503);
      expect(plans.body).toMatchObject({
        code: "dependency_unavailable",
        error: expect.stringContaining("redis"),
      });
    } finally {
      await server.close();
    }
  });
});

describe("response validation against the contract", () => {
  it("turns a response that drifts from the spec into a 500 and records it", async () => {
    const drifting = defineOperation("listPlans", async () => ({
      status: 200,
      body: { plans: [{ id: "gold", name: 42 }] } as never,
    }));
    const server = await serve({}, [drifting as unknown as OperationDefinition]);
    try {
      const res = await server.request("/api/plans");
      expect(res.status).toBe(500);
      const body = res.body;
      expect(body.code).toBe("response_contract_violation");
      expect(server.app.contractViolations).toHaveLength(1);
      expect(server.app.contractViolations[0]).toContain("listPlans");
    } finally {
      await server.close();
    }
  });

  it("lets a conforming response through", async () => {
    const server = await startTestServer();
    try {
      const res = await server.request("/api/plans");
      expect(res.status).toBe(200);
      expect(server.app.contractViolations).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
