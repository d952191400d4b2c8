import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenant(server, "Origins");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

/** A multipart upload as a page anywhere can send it cross-site (a "simple" request: no preflight). */
function upload(headers: Record<string, string>) {
  const form = new FormData();
  form.set("file", new Blob(["customer_id,order_date,amount\nC-1,2026-01-05,10\n"]), "orders.csv");
  return fetch(`${server.url}/api/projects/${tenant.projectId}/files`, {
    method: "POST",
    body: form,
    headers: { cookie: tenant.cookie, ...headers },
  });
}

const storedFiles = async () =>
  Number((await server.app.db.knex("files").where({ project_id: tenant.projectId }).count("* as n"))[0]?.n);

describe("session requests that change something must come from a trusted origin", () => {
  it("refuses a cross-site multipart upload with 403 origin_not_trusted, saying how to fix it, storing nothing", async () => {
    const before = await storedFiles();
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      {},
    ];
    for (const headers of attempts) {
      const response = await upload(headers);
      const body = (await response.json()) as { code: string; error: string };
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(body.code).toBe("origin_not_trusted");
      expect(body.error).toContain("TRUSTED_ORIGINS");
      expect(body.error).toContain(new URL(server.app.config.publicUrl).origin);
    }
    expect(await storedFiles()).toBe(before);
  });

  it("says so in Turkish too", async () => {
    const response = await upload({ origin: "https://evil.example", "accept-language": "tr" });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toContain("TRUSTED_ORIGINS listesine");
  });

  it("accepts the server's own origin, a trusted origin, and a same-origin fetch without Origin", async () => {
    const own = new URL(server.app.config.publicUrl).origin;
    const attempts: Record<string, string>[] = [
      { origin: own },
      { origin: TEST_ORIGIN },
      { "sec-fetch-site": "same-origin" },
    ];
    for (const headers of attempts) {
      const response = await upload(headers);
      expect(response.status, JSON.stringify(headers)).toBe(202);
      await response.arrayBuffer();
    }
  });

  it("checks JSON requests of our own routes too, and leaves reads and API keys alone", async () => {
    const foreign = { origin: "https://evil.example" };
    const create = await server.request(`/api/projects/${tenant.projectId}/api-keys`, {
      body: { name: "stolen" },
      cookie: tenant.cookie,
      headers: foreign,
    });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe("origin_not_trusted");
    const read = await server.request(`/api/projects/${tenant.projectId}`, {
      cookie: tenant.cookie,
      headers: foreign,
    });
    expect(read.status).toBe(200);
    // A foreign page cannot set Authorization without a preflight that only trusted origins pass.
    const withKey = await server.request(`/api/engine/projects/${tenant.projectId}/segments/preview`, {
      body: { kind: "rule", rules: [{ field: "rfm_monetary", op: "gte", value: 0 }] },
      headers: { ...foreign, authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(withKey.status).toBe(200);
  });
});
