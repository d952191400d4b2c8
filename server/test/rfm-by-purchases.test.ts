import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { segmentNameFor } from "../src/engine/rfm-scores.js";
import { quantile } from "../src/engine/segment-names.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  ingest,
  setPlan,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
  waitForRun,
} from "./helpers/test-server.js";

/**
 * RFM by purchases, the per-customer RFM grid segment and the customers list's sorting, through the API: records
 * and a spreadsheet export go in, the pipeline runs on the real workers, the customers list is read back.
 */
let server: TestServer;
let tenant: Tenant;
type Customer = Record<string, unknown> & { customer_id: string; id: string };
let everyone: Customer[];

const REFERENCE = "2026-06-01";
const listUrl = (query: Record<string, string | number>) =>
  `/api/engine/projects/${tenant.projectId}/customers?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
const list = (query: Record<string, string | number> = {}) =>
  server.request(listUrl(query), { cookie: tenant.cookie });

/** Every customer of the list in the given order, page by page. */
async function listAll(query: Record<string, string | number> = {}): Promise<Customer[]> {
  const out: Customer[] = [];
  for (let page = 1; ; page++) {
    const res = await list({ ...query, limit: 500, page });
    expect(res.status).toBe(200);
    out.push(...res.body.customers);
    if (page >= res.body.pages) return out;
  }
}
const byId = (customerId: string) => everyone.find((c) => c.customer_id === customerId);

/** The special customers: what the issue saw go wrong, each with the answer RFM by purchases gives. */
const SPECIAL_RECORDS = [
  // Last purchase a year before the reference date; then a cancellation, a return by status and a zero-value
  // order in the last week: none of them is a purchase.
  { customer_id: "late-canceller", order_date: "2025-06-01T10:00:00Z", amount: 80, order_id: "L-1" },
  { customer_id: "late-canceller", order_date: "2026-05-29T10:00:00Z", amount: -30, order_id: "L-2" },
  {
    customer_id: "late-canceller",
    order_date: "2026-05-30T10:00:00Z",
    amount: 20,
    order_id: "L-3",
    status: "returned",
  },
  { customer_id: "late-canceller", order_date: "2026-05-31T10:00:00Z", amount: 0, order_id: "L-4" },
  // Two purchase orders (one of two lines), and an invoice made only of zero-value lines.
  { customer_id: "two-orders", order_date: "2026-01-01T09:00:00Z", amount: 10, order_id: "T-1" },
  { customer_id: "two-orders", order_date: "2026-01-01T09:00:00Z", amount: 15, order_id: "T-1" },
  { customer_id: "two-orders", order_date: "2026-03-01T09:00:00Z", amount: 5, order_id: "T-2" },
  { customer_id: "two-orders", order_date: "2026-05-01T09:00:00Z", amount: 0, order_id: "T-3" },
  { customer_id: "two-orders", order_date: "2026-05-01T09:00:00Z", amount: 0, order_id: "T-3" },
  // Returned more than bought here (a return of a purchase from before the data starts).
  { customer_id: "over-returner", order_date: "2026-04-01T09:00:00Z", amount: 10, order_id: "O-1" },
  { customer_id: "over-returner", order_date: "2026-04-02T09:00:00Z", amount: -25, order_id: "O-2" },
  // Only a return: no purchase, so not scored.
  { customer_id: "returns-only", order_date: "2026-04-02T09:00:00Z", amount: -25, order_id: "R-1" },
  // The API sends the id as a number; the spreadsheet below sends it as 17850.0.
  { customer_id: 17850, order_date: "2026-05-01T09:00:00Z", amount: 8, order_id: 536366 },
];

async function upload(t: Tenant, name: string, content: string) {
  const form = new FormData();
  form.set("file", new Blob([content]), name);
  const response = await fetch(`${server.url}/api/projects/${t.projectId}/files`, {
    method: "POST",
    body: form,
    headers: { cookie: t.cookie, origin: TEST_ORIGIN },
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { run_id: string };
}

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200 });
  tenant = await createTenant(server, "Purchases");
  await setPlan(server, tenant.orgId, "pro");
  const settings = await server.request(`/api/projects/${tenant.projectId}`, {
    method: "PATCH",
    body: { settings: { referenceDate: REFERENCE } },
    cookie: tenant.cookie,
  });
  expect(settings.status).toBe(200);
  const shop = syntheticShop({ customers: 300, seed: 14, end: new Date(`${REFERENCE}T00:00:00Z`) });
  const runs = [
    (await ingest(server, tenant, [...shop, ...SPECIAL_RECORDS])).run_id,
    (
      await upload(
        tenant,
        "export.csv",
        "CustomerID,InvoiceDate,Amount,InvoiceNo\n17850.0,2026-02-01 09:00,12,536365.0\n",
      )
    ).run_id,
  ];
  for (const run of runs) expect((await waitForRun(server, tenant, run)).status).toBe("completed");
  everyone = await listAll({ sort_by: "rfm_recency_days", sort_dir: "asc" });
  expect(everyone.length).toBeGreaterThan(250);
}, 300_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("RFM by purchases", () => {
  it("does not let cancellations, returns or zero-value orders reset recency or count as orders", () => {
    expect(byId("late-canceller")).toMatchObject({
      rfm_recency_days: 365,
      rfm_frequency: 1,
      rfm_monetary: 30,
      return_rate: 50 / 80,
    });
    expect(byId("two-orders")).toMatchObject({
      rfm_recency_days: 92,
      rfm_frequency: 2,
      rfm_monetary: 30,
      return_rate: 0,
    });
  });

  it("caps the return rate (a value share) at 1 and keeps the negative balance; returns alone are not scored", async () => {
    expect(byId("over-returner")).toMatchObject({ rfm_frequency: 1, rfm_monetary: -15, return_rate: 1 });
    expect(byId("returns-only")).toBeUndefined();
    const filtered = await list({
      filters: JSON.stringify([{ field: "customer_id", op: "eq", value: "returns-only" }]),
    });
    expect(filtered.body.total).toBe(0);
  });

  it("makes one customer of 17850.0 from a spreadsheet and 17850 from the API", () => {
    const ids = everyone.map((c) => c.customer_id).filter((id) => id.startsWith("17850"));
    expect(ids).toEqual(["17850"]);
    expect(byId("17850")).toMatchObject({ rfm_frequency: 2, rfm_monetary: 20 });
  });
});

describe("the RFM grid segment of each customer", () => {
  it("is the grid cell of the customer's own scores", () => {
    for (const c of everyone)
      expect(c.rfm_segment).toBe(
        segmentNameFor({
          r: c.rfm_r_score as number,
          f: c.rfm_f_score as number,
          m: c.rfm_m_score as number,
        }),
      );
    expect(new Set(everyone.map((c) => c.rfm_segment)).size).toBeGreaterThan(4);
  });

  it("filters by the shortcut and the filter language alike, and sorts", async () => {
    const champions = everyone.filter((c) => c.rfm_segment === "Champions");
    expect(champions.length).toBeGreaterThan(0);
    const shortcut = await listAll({ rfm_segment: "Champions" });
    expect(shortcut.map((c) => c.id).sort()).toEqual(champions.map((c) => c.id).sort());
    const filtered = await listAll({
      filters: JSON.stringify([{ field: "rfm_segment", op: "in", values: ["Champions"] }]),
    });
    expect(filtered.map((c) => c.id).sort()).toEqual(champions.map((c) => c.id).sort());
    expect((await list({ rfm_segment: "Best" })).status).toBe(400);
    const sorted = (await listAll({ sort_by: "rfm_segment", sort_dir: "asc" })).map((c) => c.rfm_segment);
    expect(sorted).toEqual(
      [...sorted].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)),
    );
  });

  it("never puts a customer inactive beyond the 80th percentile of recency in Champions or Loyal Customers", () => {
    const p80 = quantile(
      everyone.map((c) => c.rfm_recency_days as number).sort((a, b) => a - b),
      0.8,
    );
    const named = ["Champions", "Loyal Customers"];
    const lapsed = everyone.filter((c) => (c.rfm_recency_days as number) > p80);
    expect(lapsed.length).toBeGreaterThan(0);
    for (const c of lapsed) {
      expect(named).not.toContain(c.segment_label);
      expect(named).not.toContain(c.rfm_segment);
    }
  });
});

describe("sorting the customers list", () => {
  const SORTABLE = [
    "rfm_segment",
    "rfm_recency_days",
    "rfm_frequency",
    "rfm_monetary",
    "return_rate",
    "churn_score",
    "uplift_score",
    "predicted_clv",
    "first_transaction_at",
    "last_transaction_at",
  ] as const;

  it("puts customers without a value last, in both directions, for every sortable field", async () => {
    // Customers scored before a model could value them: their nullable fields are null.
    const unvalued = everyone.slice(0, 7).map((c) => c.id);
    await server.app.db.knex("customers").whereIn("id", unvalued).update({
      churn_score: null,
      churn_risk: null,
      uplift_score: null,
      predicted_clv: null,
      rfm_segment: null,
    });
    const compare = (a: unknown, b: unknown) =>
      typeof a === "number" && typeof b === "number"
        ? a - b
        : String(a) < String(b)
          ? -1
          : String(a) > String(b)
            ? 1
            : 0;
    for (const field of SORTABLE)
      for (const direction of ["asc", "desc"] as const) {
        const values = (await listAll({ sort_by: field, sort_dir: direction })).map((c) => c[field]);
        expect(values).toHaveLength(everyone.length);
        const firstNull = values.indexOf(null);
        const present = firstNull === -1 ? values : values.slice(0, firstNull);
        if (firstNull !== -1) expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
        const sorted = [...present].sort(compare);
        expect(present, `${field} ${direction}`).toEqual(direction === "asc" ? sorted : sorted.reverse());
      }
    const clvDesc = (await list({ sort_by: "predicted_clv", sort_dir: "desc", limit: 5 })).body.customers;
    expect(clvDesc.every((c: Customer) => c.predicted_clv !== null)).toBe(true);
  });
});
