import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

// Cursor pages of the customers list: keyed on (sort value, id), nulls last, stable while re-scoring moves
// customers between requests; beside numbered pages.
let server: TestServer;
let tenant: Tenant;

type Customer = { id: string; customer_id: string } & Record<string, unknown>;
const list = (query: Record<string, string | number | boolean>) =>
  server.request(
    `/api/engine/projects/${tenant.projectId}/customers?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
    { cookie: tenant.cookie },
  );
/** Every page by cursor, from the first; checks each page's has_more / next_cursor on the way. */
async function walk(query: Record<string, string | number>, first?: { next_cursor: string | null }) {
  const seen: Customer[] = [];
  let cursor = first ? first.next_cursor : undefined;
  for (let pages = 0; ; pages++) {
    expect(pages).toBeLessThan(100);
    if (cursor === null) return seen;
    const res = await list(cursor === undefined ? query : { ...query, starting_after: cursor });
    expect(res.status).toBe(200);
    seen.push(...res.body.customers);
    expect(res.body.has_more).toBe(res.body.next_cursor !== null);
    if (cursor !== undefined) expect(res.body.page).toBeNull();
    cursor = res.body.next_cursor;
  }
}

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 100 });
  tenant = await createTenant(server, "Pages");
  await setPlan(server, tenant.orgId, "pro");
  const job = await ingest(server, tenant, syntheticShop({ customers: 260, seed: 41 }), { batch_id: "shop" });
  await followPipeline(server, tenant, job.job_id);
}, 240_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("customers list by cursor", () => {
  it("walks every customer once, in the same order as numbered pages, for any sort and direction", async () => {
    for (const [sort_by, sort_dir] of [
      ["rfm_monetary", "desc"],
      ["churn_score", "asc"],
      ["uplift_score", "desc"],
      ["last_transaction_at", "asc"],
    ] as const) {
      const all = await list({ limit: 500, sort_by, sort_dir });
      expect(all.body).toMatchObject({ has_more: false, next_cursor: null, total_estimated: false });
      const walked = await walk({ limit: 37, sort_by, sort_dir });
      expect(walked.map((c) => c.id)).toEqual(all.body.customers.map((c: Customer) => c.id));
    }
  });

  it("sorts nulls last either way (uplift without a campaign is null for everyone)", async () => {
    const asc = await list({ limit: 500, sort_by: "uplift_score", sort_dir: "asc" });
    const values = asc.body.customers.map((c: Customer) => c.uplift_score);
    const firstNull = values.indexOf(null);
    if (firstNull >= 0) expect(values.slice(firstNull).every((v: unknown) => v === null)).toBe(true);
  });

  it("stays stable while re-scoring moves customers: nothing repeated, nothing after the cursor skipped", async () => {
    const first = await list({ limit: 50 });
    expect(first.body).toMatchObject({ page: 1, has_more: true, total: 260, total_estimated: false });
    const before = (await list({ limit: 500 })).body.customers as Customer[];
    // Ten customers from the bottom jump to the top: offset pages would now repeat page 1's tail.
    const jumpers = before.slice(-10);
    const job = await ingest(
      server,
      tenant,
      jumpers.map((c, i) => ({ customer_id: c.customer_id, order_date: "2026-10-30", amount: 90_000 + i })),
      { batch_id: "big-spenders" },
    );
    await followPipeline(server, tenant, job.job_id);
    const byOffset = await list({ limit: 50, page: 2 });
    const firstIds = new Set(first.body.customers.map((c: Customer) => c.id));
    expect(byOffset.body.customers.some((c: Customer) => firstIds.has(c.id))).toBe(true);

    const rest = await walk({ limit: 50 }, first.body);
    expect(rest.filter((c) => firstIds.has(c.id))).toEqual([]);
    // Everyone not on page 1 and not moved in front of the cursor is found, once.
    const moved = new Set(jumpers.map((c) => c.id));
    const expected = before.filter((c) => !firstIds.has(c.id) && !moved.has(c.id)).map((c) => c.id);
    expect(rest.map((c) => c.id).sort()).toEqual(expected.sort());
  }, 240_000);

  it("explains a cursor it cannot use (400), and counts exactly when asked", async () => {
    const first = await list({ limit: 5, sort_by: "rfm_frequency" });
    const other = await list({ limit: 5, sort_by: "rfm_monetary", starting_after: first.body.next_cursor });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe("validation_failed");
    expect(other.body.details[0]).toMatchObject({ location: "query", field: "starting_after" });
    expect(other.body.detail).toMatch(/starting_after.*sort_by=rfm_frequency/);
    const garbage = await list({ starting_after: "not-a-cursor" });
    expect(garbage.status).toBe(400);
    expect(garbage.body.detail).toMatch(/starting_after.*next_cursor/);
    const both = await list({ page: 2, starting_after: first.body.next_cursor, sort_by: "rfm_frequency" });
    expect(both.status).toBe(400);
    expect(both.body.detail).toMatch(/page and starting_after/);
    const exact = await list({ limit: 5, total_exact: true });
    expect(exact.body).toMatchObject({ total: 260, total_estimated: false });
  });
});
