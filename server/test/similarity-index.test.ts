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
  waitForJob,
} from "./helpers/test-server.js";

// The similarity index per project: a bulk pass rebuilds the project's partition and swaps it in, a pass that
// changes nothing writes nothing, and the planner's statistics follow every rewrite.
let server: TestServer;
let shop: Tenant;
let other: Tenant;
const REFERENCE_DATE = "2026-10-01";

const segmentationOf = (stages: { type: string; result: Record<string, unknown> | null }[]) =>
  stages.find((s) => s.type === "segmentation")?.result as {
    customers: number;
    embeddings: { mode: string; changed: number; total: number };
  };
const partitionsOf = async (projectId: string) =>
  (
    await server.app.db.knex.raw(
      `SELECT c.relname, c.reltuples::int AS rows,
            (SELECT count(*)::int FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam
              WHERE x.indrelid = c.oid AND a.amname = 'hnsw') AS hnsw_indexes
       FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = 'customer_embeddings'::regclass AND c.relname LIKE ?`,
      [`cemb_${projectId.replace(/-/g, "")}_%`],
    )
  ).rows as { relname: string; rows: number; hnsw_indexes: number }[];
const similar = (tenant: Tenant, customerId: string) =>
  server.request(`/api/engine/customers/${customerId}/similar?limit=5`, { cookie: tenant.cookie });
const customers = async (tenant: Tenant) =>
  (
    await server.request(`/api/engine/projects/${tenant.projectId}/customers?limit=500`, {
      cookie: tenant.cookie,
    })
  ).body.customers as { id: string; customer_id: string }[];

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 100 });
  shop = await createTenant(server, "Index");
  other = await createTenant(server, "Neighbour");
  for (const tenant of [shop, other]) await setPlan(server, tenant.orgId, "pro");
  const patched = await server.request(`/api/projects/${shop.projectId}`, {
    method: "PATCH",
    body: { settings: { referenceDate: REFERENCE_DATE } },
    cookie: shop.cookie,
  });
  expect(patched.status).toBe(200);
  const job = await ingest(server, other, syntheticShop({ customers: 120, seed: 8 }));
  await followPipeline(server, other, job.job_id);
}, 240_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("similarity index per project", () => {
  let first: { customers: number; embeddings: { mode: string; changed: number; total: number } };
  let partition: string;

  it("builds a project's first index in one go, as its own partition, and refreshes the statistics", async () => {
    const job = await ingest(server, shop, syntheticShop({ customers: 300, seed: 31 }), {
      batch_id: "first",
    });
    first = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(first.embeddings).toEqual({ mode: "rebuilt", changed: first.customers, total: first.customers });
    const partitions = await partitionsOf(shop.projectId);
    expect(partitions).toHaveLength(1);
    // ANALYZEd: the planner knows the partition's real size (nothing else sets it with autovacuum off).
    expect(partitions[0]).toMatchObject({ rows: first.customers, hnsw_indexes: 1 });
    partition = partitions[0]!.relname;
    const stats = await server.app.db.knex.raw(
      "SELECT reltuples::int AS rows FROM pg_class WHERE relname = 'customers'",
    );
    expect(stats.rows[0].rows).toBeGreaterThanOrEqual(first.customers);
    // Tenancy: the neighbour's project has a partition of its own, and answers stay within each project.
    expect(await partitionsOf(other.projectId)).toHaveLength(1);
    const mine = new Set((await customers(shop)).map((c) => c.id));
    const res = await similar(shop, [...mine][0]!);
    expect(res.status).toBe(200);
    expect(res.body.similar).toHaveLength(5);
    for (const s of res.body.similar) expect(mine.has(s.customer.id)).toBe(true);
    const theirs = (await customers(other))[0]!;
    expect((await similar(shop, theirs.id)).status).toBe(404);
  }, 240_000);

  it("writes nothing when no embedding changed (orders after the reference date)", async () => {
    const known = (await customers(shop)).slice(0, 5);
    const later = known.map((c, i) => ({
      customer_id: c.customer_id,
      order_date: "2026-10-20",
      amount: 40 + i,
      order_id: `late-${i}`,
    }));
    const job = await ingest(server, shop, later, { batch_id: "after-reference-date" });
    const second = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(second.embeddings).toEqual({ mode: "in_place", changed: 0, total: first.customers });
    expect((await partitionsOf(shop.projectId)).map((p) => p.relname)).toEqual([partition]);
  }, 240_000);

  it("writes a small project's changes in place: the index takes only those rows", async () => {
    // A new customer before the reference date shifts the project's scaling, so every embedding moves; 301
    // changes are under the in-place floor (IN_PLACE_MIN_ROWS), so the partition stays and takes them.
    const job = await ingest(
      server,
      shop,
      [{ customer_id: "NEW-1", order_date: "2026-09-15", amount: 120, order_id: "new-1" }],
      { batch_id: "new-customer" },
    );
    const third = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(third.embeddings).toEqual({
      mode: "in_place",
      changed: first.customers + 1,
      total: first.customers + 1,
    });
    const partitions = await partitionsOf(shop.projectId);
    expect(partitions).toMatchObject([{ relname: partition, rows: first.customers + 1, hnsw_indexes: 1 }]);
    const newcomer = (await customers(shop)).find((c) => c.customer_id === "NEW-1")!;
    const res = await similar(shop, newcomer.id);
    expect(res.body.similar).toHaveLength(5);
  }, 240_000);

  it("rebuilds the index once and swaps the partition in when many embeddings change", async () => {
    // 1,001 customers (300 known, 701 new) before the reference date: over the in-place threshold.
    const records = syntheticShop({ customers: 1001, seed: 32, meanOrders: 2, end: new Date("2026-09-30") });
    const job = await ingest(server, shop, records, { batch_id: "many" });
    const fourth = segmentationOf(await followPipeline(server, shop, job.job_id));
    expect(fourth.embeddings).toEqual({
      mode: "rebuilt",
      changed: fourth.customers,
      total: fourth.customers,
    });
    expect(fourth.customers).toBeGreaterThan(first.customers + 700);
    const partitions = await partitionsOf(shop.projectId);
    expect(partitions).toHaveLength(1);
    expect(partitions[0]!.relname).not.toBe(partition);
    expect(partitions[0]).toMatchObject({ rows: fourth.customers, hnsw_indexes: 1 });
    const mine = await customers(shop);
    const res = await similar(shop, mine[0]!.id);
    expect(res.body.similar).toHaveLength(5);
  }, 240_000);

  it("deleting another project purges its embeddings only and drops its emptied partition", async () => {
    const before = await partitionsOf(shop.projectId);
    const deleted = await server.request(`/api/projects/${other.projectId}`, {
      method: "DELETE",
      cookie: other.cookie,
    });
    expect(deleted.status).toBe(202);
    expect(await waitForJob(server, other, deleted.body.job_id)).toMatchObject({ status: "completed" });
    const left = await server.app.db
      .knex("customer_embeddings")
      .where({ project_id: other.projectId })
      .count();
    expect(Number(left[0]!.count)).toBe(0);
    const mine = await server.app.db
      .knex("customer_embeddings")
      .where({ project_id: shop.projectId })
      .count();
    expect(Number(mine[0]!.count)).toBe(before[0]!.rows);
    // Its partition (table and HNSW index) is gone from the catalogue; this project's stays as it was.
    expect(await partitionsOf(other.projectId)).toEqual([]);
    expect((await partitionsOf(shop.projectId)).map((p) => p.relname)).toEqual(before.map((p) => p.relname));
  }, 240_000);
});
