import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../src/domain/api-keys/api-key-secret.js";
import { authenticateApiKey } from "../src/domain/api-keys/authenticate-api-key.js";
import { createTenant, startTestServer, type Tenant, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenant(server, "Keys");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

/** An operation that takes an API key on a project path: what it answers after authentication does not matter here. */
const probe = (projectId: string, authorization?: string) =>
  server.request(`/api/engine/projects/${projectId}/overview`, {
    headers: authorization ? { authorization } : {},
  });
const passedAuthentication = (status: number) => status !== 401 && status !== 403;

describe("API keys", () => {
  it("are sk_live_ + 64 lowercase hex, shown once, prefixed by their first 6 hex", async () => {
    const res = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "Production ingest", expiresAt: "2099-01-01T00:00:00Z" },
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sk_live_[0-9a-f]{64}$/);
    expect(res.body.keyPrefix).toBe(res.body.key.slice(0, 14));
    expect(res.body).toMatchObject({
      name: "Production ingest",
      enabled: true,
      expiresAt: "2099-01-01T00:00:00.000Z",
    });
    const list = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      cookie: tenant.cookie,
    });
    expect(list.text).not.toContain(res.body.key);
    for (const key of list.body.apiKeys)
      expect(Object.keys(key).sort()).toEqual([
        "createdAt",
        "enabled",
        "expiresAt",
        "id",
        "keyPrefix",
        "lastUsedAt",
        "name",
      ]);
  });

  it("are stored as SHA-256 only: the raw key appears nowhere in the database", async () => {
    const { knex } = server.app.db;
    const stored = await knex("api_keys").where({ id: tenant.apiKeyId }).first();
    expect(Buffer.compare(stored.key_hash, hashApiKey(tenant.apiKey))).toBe(0);
    const tables = await knex("information_schema.tables")
      .where({ table_schema: "public", table_type: "BASE TABLE" })
      .pluck("table_name");
    const needle = tenant.apiKey.slice("sk_live_".length);
    for (const table of tables) {
      const hits = await knex.raw(`select count(*)::int as n from "${table}" t where t::text like ?`, [
        `%${needle}%`,
      ]);
      expect(hits.rows[0].n, `raw key found in ${table}`).toBe(0);
    }
  });

  it("refuse a missing, malformed or unknown key with its own code", async () => {
    const missing = await server.request("/api/v1/ingest", {
      body: { project_id: tenant.projectId, records: [] },
    });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("api_key_missing");
    const malformed = await probe(tenant.projectId, "Bearer sk_live_NOT-HEX");
    expect(malformed.status).toBe(401);
    expect(malformed.body).toMatchObject({ code: "api_key_malformed" });
    expect(malformed.body.detail).toContain("64 lowercase hex");
    const unknown = await probe(tenant.projectId, `Bearer sk_live_${"ab".repeat(32)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe("api_key_unknown");
    expect(passedAuthentication((await probe(tenant.projectId, `Bearer ${tenant.apiKey}`)).status)).toBe(
      true,
    );
  });

  it("answer 403 for another project, with the docs' message", async () => {
    const other = await createTenant(server, "Other");
    const res = await probe(other.projectId, `Bearer ${tenant.apiKey}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: "project_mismatch",
      detail: "Forbidden: API key does not belong to this project",
    });
  });

  it("can be disabled and enabled again, and deleted", async () => {
    const created = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "toggle" },
      cookie: tenant.cookie,
    });
    const path = `/api/projects/${tenant.projectId}/api-keys/${created.body.id}`;
    const auth = `Bearer ${created.body.key}`;
    const off = await server.request(path, {
      method: "PATCH",
      body: { enabled: false },
      cookie: tenant.cookie,
    });
    expect(off.body.enabled).toBe(false);
    const refused = await probe(tenant.projectId, auth);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("api_key_disabled");
    expect(refused.body.detail).toContain(created.body.keyPrefix);
    await server.request(path, { method: "PATCH", body: { enabled: true }, cookie: tenant.cookie });
    expect(passedAuthentication((await probe(tenant.projectId, auth)).status)).toBe(true);
    expect((await server.request(path, { method: "DELETE", cookie: tenant.cookie })).status).toBe(204);
    expect((await probe(tenant.projectId, auth)).body.code).toBe("api_key_unknown");
    expect((await server.request(path, { method: "DELETE", cookie: tenant.cookie })).status).toBe(404);
  });

  it("refuse an expiry in the past", async () => {
    const res = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "old", expiresAt: "2020-01-01T00:00:00Z" },
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ field: "expiresAt" });
  });

  it("expire at the exact instant of expiresAt", async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const created = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "short-lived", expiresAt: expiresAt.toISOString() },
      cookie: tenant.cookie,
    });
    const { knex } = server.app.db;
    const log = server.app.logger;
    const header = `Bearer ${created.body.key}`;
    const justBefore = new Date(expiresAt.getTime() - 1);
    await expect(authenticateApiKey(knex, log, header, justBefore)).resolves.toMatchObject({
      projectId: tenant.projectId,
    });
    await expect(authenticateApiKey(knex, log, header, expiresAt)).rejects.toMatchObject({
      code: "api_key_expired",
    });
    expect(passedAuthentication((await probe(tenant.projectId, header)).status)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 10));
    const expired = await probe(tenant.projectId, header);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: "api_key_expired" });
  });

  it("record when they were last used, without waiting for it", async () => {
    const path = `/api/projects/${tenant.projectId}/api-keys`;
    await probe(tenant.projectId, `Bearer ${tenant.apiKey}`);
    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && !lastUsedAt; i++) {
      const list = await server.request(path, { cookie: tenant.cookie });
      lastUsedAt = list.body.apiKeys.find((k: { id: string }) => k.id === tenant.apiKeyId).lastUsedAt;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lastUsedAt).not.toBeNull();
    expect(Date.now() - Date.parse(lastUsedAt!)).toBeLessThan(60_000);
  });
});
