import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  ingest,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
  waitForRun,
} from "./helpers/test-server.js";

/**
 * DELETE /api/engine/projects/{projectId}/customers/{customerId}: a privacy request erases one customer's
 * profile and everything about them as a tracked job, leaves an audit trail that names no customer, and keeps
 * them erased on later ingests only when suppression was asked for.
 */
let server: TestServer;
let tenant: Tenant;

const customersOf = (key: string) =>
  server.app.db.knex("customers").where({ project_id: tenant.projectId, customer_key: key });
const transactionsOf = (key: string) =>
  server.app.db.knex("transactions").where({ project_id: tenant.projectId, customer_key: key });

async function erase(
  customerId: string,
  query = "",
  auth: { cookie?: string; headers?: Record<string, string> } = {},
) {
  return server.request(
    `/api/engine/projects/${tenant.projectId}/customers/${encodeURIComponent(customerId)}${query}`,
    {
      method: "DELETE",
      ...(auth.cookie || auth.headers ? auth : { headers: { authorization: `Bearer ${tenant.apiKey}` } }),
    },
  );
}

/** Sends one more purchase of `key` and waits for its ingest job. */
async function ingestAgain(key: string, batch: string) {
  const job = await ingest(server, tenant, [{ customer_id: key, order_date: "2026-06-01", amount: 42 }], {
    batch_id: batch,
  });
  expect((await waitForJob(server, tenant, job.job_id, 120_000)).status).toBe("completed");
}

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200 });
  tenant = await createTenant(server, "Privacy");
  const shop = await ingest(server, tenant, syntheticShop({ customers: 80, seed: 21 }));
  expect((await waitForRun(server, tenant, shop.run_id)).status).toBe("completed");
}, 600_000);

afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("erasing a customer", () => {
  it("by the ingested customer_id: a job erases the profile and everything about it; the audit names no one", async () => {
    const { customer_key: key } = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId })
      .orderBy("customer_key")
      .first("customer_key");
    const res = await erase(key);
    expect(res.status).toBe(202);
    const job = await waitForJob(server, tenant, res.body.job_id, 120_000);
    expect(job).toMatchObject({ type: "customer_erase", status: "completed" });
    expect(job.result).toMatchObject({ erased: true, suppressed: false, embeddings: 1 });
    expect(job.result.transactions).toBeGreaterThan(0);
    expect(job.result.memberships).toBeGreaterThan(0);

    expect(await customersOf(key)).toHaveLength(0);
    expect(await transactionsOf(key)).toHaveLength(0);
    expect(
      await server.app.db
        .knex("campaign_exposures")
        .where({ project_id: tenant.projectId, customer_key: key }),
    ).toHaveLength(0);
    const audit = await server.app.db
      .knex("audit_events")
      .where({ project_id: tenant.projectId })
      .orderBy("id");
    expect(audit.map((a) => a.action)).toEqual(["customer_erasure_requested", "customer_erased"]);
    expect(audit[0]).toMatchObject({
      actor_kind: "apiKey",
      actor_id: tenant.apiKeyId,
      job_id: res.body.job_id,
    });
    expect(JSON.stringify(audit)).not.toContain(key);

    // Asked again: it is gone (404); sent again without suppression, it comes back as a new customer.
    expect((await erase(key)).status).toBe(404);
    await ingestAgain(key, "after-erasure");
    expect(await customersOf(key)).toHaveLength(1);
  }, 300_000);

  it("by our id with suppression: later ingests of the same customer_id are dropped", async () => {
    const customer = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId })
      .orderBy("customer_key", "desc")
      .first("id", "customer_key");
    const res = await erase(customer.id, "?suppress=true", { cookie: tenant.cookie });
    expect(res.status).toBe(202);
    const job = await waitForJob(server, tenant, res.body.job_id, 120_000);
    expect(job.result).toMatchObject({ customer_id: customer.id, erased: true, suppressed: true });
    expect(
      JSON.stringify(
        await server.app.db.knex("customer_suppressions").where({ project_id: tenant.projectId }),
      ),
    ).not.toContain(customer.customer_key);

    await ingestAgain(customer.customer_key, "suppressed");
    expect(await customersOf(customer.customer_key)).toHaveLength(0);
    expect(await transactionsOf(customer.customer_key)).toHaveLength(0);
  }, 300_000);

  it("answers 404 for a customer the project does not have, and to another tenant", async () => {
    const unknown = await erase("no-such-customer");
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("not_found");
    const other = await createTenant(server, "Other");
    const some = await server.app.db.knex("customers").where({ project_id: tenant.projectId }).first("id");
    const foreign = await server.request(`/api/engine/projects/${tenant.projectId}/customers/${some.id}`, {
      method: "DELETE",
      cookie: other.cookie,
    });
    expect(foreign.status).toBe(404);
    expect(await server.app.db.knex("customers").where({ id: some.id })).toHaveLength(1);
  });
});
