import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPageQueries, SIMILAR_SEARCH_SETTINGS, similarCustomersQuery } from "../src/db/customers.js";
import { FILTER_FIELDS, filtersToSql, parseFilters } from "../src/domain/customers/filter-language.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import { matches } from "./helpers/filter-oracle.js";
import {
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

let server: TestServer;
let tenant: Tenant;
let everyone: Record<string, unknown>[];

const customersUrl = (query: Record<string, string | number> = {}) =>
  `/api/engine/projects/${tenant.projectId}/customers?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
const list = (query: Record<string, string | number> = {}) =>
  server.request(customersUrl(query), { cookie: tenant.cookie });
const withFilters = (filters: unknown, extra: Record<string, string | number> = {}) =>
  list({ filters: JSON.stringify(filters), limit: 500, ...extra });

beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 100 });
  tenant = await createTenant(server, "Lists");
  await setPlan(server, tenant.orgId, "pro");
  const accepted = await ingest(server, tenant, syntheticShop({ customers: 400, seed: 21 }));
  await followPipeline(server, tenant, accepted.job_id);
  const all = await list({ limit: 500, sort_by: "rfm_recency_days", sort_dir: "asc" });
  everyone = all.body.customers;
  expect(everyone.length).toBe(all.body.total);
  expect(everyone.length).toBeGreaterThan(300);
}, 180_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("GET .../customers", () => {
  it("pages: limit bounds, the last page, a page past the end", async () => {
    expect((await list({ limit: 0 })).status).toBe(400);
    expect((await list({ limit: 501 })).status).toBe(400);
    expect((await list({ page: 0 })).status).toBe(400);
    const total = everyone.length;
    const pages = Math.ceil(total / 50);
    const first = await list();
    expect(first.body).toMatchObject({ total, page: 1, pages });
    expect(first.body.customers).toHaveLength(50);
    const last = await list({ page: pages });
    expect(last.body.customers).toHaveLength(total - (pages - 1) * 50);
    const past = await list({ page: pages + 1 });
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ customers: [], total, page: pages + 1, pages });
  });

  it("sorts by any numeric or date field either way, ties broken by id", async () => {
    for (const [field, dir] of [
      ["rfm_monetary", "desc"],
      ["churn_score", "asc"],
      ["last_transaction_at", "desc"],
    ] as const) {
      const res = await list({ sort_by: field, sort_dir: dir, limit: 500 });
      const values = res.body.customers.map((c: Record<string, number | string>) => c[field]);
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values).toEqual(dir === "asc" ? sorted : sorted.reverse());
    }
    expect((await list({ sort_by: "customer_id" })).status).toBe(400);
  });

  it("carries customer_id exactly as ingested, and filters on it", async () => {
    const one = everyone[7]!;
    expect(one.customer_id).toMatch(/^C-\d{6}$/);
    const found = await withFilters([{ field: "customer_id", op: "eq", value: one.customer_id }]);
    expect(found.body.customers.map((c: { id: string }) => c.id)).toEqual([one.id]);
  });

  it("applies the shortcut filters and segments by name or id", async () => {
    const high = await list({ churn_risk: "high", limit: 500 });
    expect(high.body.customers.every((c: { churn_risk: string }) => c.churn_risk === "high")).toBe(true);
    const a = await list({ abc_category: "A", limit: 500 });
    expect(a.body.total).toBe(everyone.filter((c) => c.abc_category === "A").length);
    const label = everyone[0]!.segment_label as string;
    const byName = await list({ segment: label, limit: 500 });
    const byId = await list({ segment: everyone[0]!.segment_id as string, limit: 500 });
    expect(byName.body.total).toBe(everyone.filter((c) => c.segment_label === label).length);
    expect(byId.body.total).toBe(byName.body.total);
    expect((await list({ segment: "No Such Segment" })).status).toBe(404);
  });

  it("supports every operator, on customer fields and extra features", async () => {
    // Customers as the API returns them (already checked against the contract).
    // biome-ignore lint/suspicious/noExplicitAny: the cases read fields of contract-checked JSON freely
    type Row = Record<string, any>;
    const cases: [unknown[], (c: Row) => boolean][] = [
      [[{ field: "abc_category", op: "eq", value: "A" }], (c) => c.abc_category === "A"],
      [[{ field: "abc_category", op: "neq", value: "A" }], (c) => c.abc_category !== "A"],
      [
        [{ field: "churn_risk", op: "in", values: ["low", "medium"] }],
        (c) => ["low", "medium"].includes(c.churn_risk),
      ],
      [[{ field: "churn_risk", op: "nin", values: ["low"] }], (c) => c.churn_risk !== "low"],
      [
        [{ field: "rfm_monetary", op: "range", min: 100, max: 400 }],
        (c) => c.rfm_monetary >= 100 && c.rfm_monetary <= 400,
      ],
      [[{ field: "rfm_frequency", op: "gt", value: 3 }], (c) => c.rfm_frequency > 3],
      [[{ field: "rfm_frequency", op: "gte", value: 3 }], (c) => c.rfm_frequency >= 3],
      [[{ field: "rfm_recency_days", op: "lt", value: 60 }], (c) => c.rfm_recency_days < 60],
      [[{ field: "rfm_recency_days", op: "lte", value: 60 }], (c) => c.rfm_recency_days <= 60],
      [[{ field: "uplift_score", op: "exists" }], (c) => c.uplift_score !== null],
      [
        [{ field: "segment_label", op: "contains", value: "ION" }],
        (c) => String(c.segment_label).toLowerCase().includes("ion"),
      ],
      [
        [{ field: "extra_features.country", op: "eq", value: "TR" }],
        (c) => c.extra_features.country === "TR",
      ],
      [
        [{ field: "extra_features.country", op: "exists", value: false }],
        (c) => c.extra_features.country === undefined,
      ],
      [
        [{ field: "last_transaction_at", op: "gte", value: "2026-09-01" }],
        (c) => c.last_transaction_at >= "2026-09-01T00:00:00.000Z",
      ],
      [
        [
          {
            any: [
              { field: "abc_category", op: "eq", value: "A" },
              {
                all: [
                  { field: "churn_risk", op: "eq", value: "high" },
                  { field: "rfm_frequency", op: "gte", value: 2 },
                ],
              },
            ],
          },
        ],
        (c) => c.abc_category === "A" || (c.churn_risk === "high" && c.rfm_frequency >= 2),
      ],
    ];
    for (const [filters, expected] of cases) {
      const res = await withFilters(filters);
      expect(res.status, JSON.stringify(filters)).toBe(200);
      expect(res.body.total, JSON.stringify(filters)).toBe(everyone.filter(expected).length);
    }
  });

  it("explains which condition is wrong and why (400), for each kind of mistake", async () => {
    const bad: [unknown, string, string][] = [
      [[{ field: "password", op: "eq", value: "x" }], "filters[0]", "unknown field"],
      [[{ field: "churn_risk", op: "gt", value: "low" }], "filters[0]", "does not apply"],
      [[{ field: "rfm_monetary", op: "gt", value: "lots" }], "filters[0]", "must be a number"],
      [[{ field: "rfm_monetary", op: "range" }], "filters[0]", "range needs min"],
      // The spec's FilterDocument schema speaks first, as it does for a segment's rules body.
      [[{ any: [] }], "filters[0].any", "at least 1 items"],
      [{ field: "churn_risk" }, "filters", "type array"],
      [[{ field: "extra_features.drop table", op: "eq", value: 1 }], "filters[0]", ""],
      [[{ field: "last_transaction_at", op: "gt", value: "yesterday" }], "filters[0]", "ISO 8601"],
    ];
    for (const [filters, path, reason] of bad) {
      const res = await withFilters(filters);
      expect(res.status, JSON.stringify(filters)).toBe(res.body?.code === "validation_failed" ? 400 : 200);
      if (res.status === 200) continue;
      expect(res.body.details[0].field).toBe(path);
      expect(res.body.details[0].message).toContain(reason);
    }
    const notJson = await list({ filters: "[{" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.details[0]).toMatchObject({ field: "filters", rule: "format" });
    expect(notJson.body.details[0].message).toContain("JSON document");
  });

  it("answers any random filter document with 200 or an explained 400 — never a 500 — and agrees with an in-memory evaluation", async () => {
    const fields = [
      ...Object.keys(FILTER_FIELDS),
      "extra_features.country",
      "extra_features.missing",
      "nonsense",
    ];
    const ops = ["eq", "neq", "in", "nin", "range", "gt", "gte", "lt", "lte", "exists", "contains", "like"];
    const scalar = fc.oneof(
      fc.constantFrom(
        "A",
        "B",
        "high",
        "low",
        "TR",
        "DE",
        "2026-06-01",
        "C-000010",
        "x'; DROP TABLE customers; --",
      ),
      fc.integer({ min: -10, max: 500 }),
      fc.double({ min: -1, max: 1000, noNaN: true }),
      fc.boolean(),
    );
    const condition = fc.record(
      {
        field: fc.constantFrom(...fields),
        op: fc.constantFrom(...ops),
        value: scalar,
        values: fc.array(scalar, { maxLength: 3 }),
        min: scalar,
        max: scalar,
      },
      { requiredKeys: ["field", "op"] },
    );
    const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        condition,
        fc.record({ any: fc.array(tie("node"), { minLength: 0, maxLength: 3 }) }),
        fc.record({ all: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(fc.array(node, { maxLength: 4 }), async (filters) => {
        const res = await withFilters(filters);
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.body.detail).toEqual(expect.any(String));
          return;
        }
        const expected = everyone.filter((c) => matches(c, parseFilters(filters))).map((c) => c.id);
        expect(res.body.customers.map((c: { id: string }) => c.id).sort()).toEqual([...expected].sort());
      }),
      { numRuns: 150, seed: 20261129 },
    );
  }, 120_000);
});

describe("customers list at scale", () => {
  // On a table this small the planner rightly prefers scanning and sorting, so the test turns those off to ask
  // whether the indexes *can* serve the list: a page in monetary order without a sort, a risk count by index.
  const plan = (sql: { sql: string; bindings: readonly unknown[] }) =>
    server.app.db.knex.transaction(async (trx) => {
      for (const setting of ["enable_seqscan", "enable_bitmapscan", "enable_sort"])
        await trx.raw(`SET LOCAL ${setting} = off`);
      const result = await trx.raw(`EXPLAIN ${sql.sql}`, sql.bindings as never[]);
      return (result.rows as { "QUERY PLAN": string }[]).map((row) => row["QUERY PLAN"]).join("\n");
    });

  it("serves the default page in index order and counts a churn risk by index", async () => {
    const risky = filtersToSql(parseFilters([{ field: "churn_risk", op: "in", values: ["medium", "high"] }]));
    const byMonetary = { column: "rfm_monetary", direction: "desc" } as const;
    const firstPage = { limit: 50, offset: 0 };
    const knex = server.app.db.knex;
    const page = await plan(
      customerPageQueries(knex, tenant.projectId, [], byMonetary, firstPage).page.toSQL(),
    );
    expect(page).toContain("customers_scored_monetary_idx");
    expect(page).not.toMatch(/\bSort\b/);
    const count = await plan(
      customerPageQueries(knex, tenant.projectId, [risky], byMonetary, firstPage).count.toSQL(),
    );
    expect(count).toContain("customers_scored_churn_risk_idx");
  });
});

describe("segments", () => {
  const base = () => `/api/engine/projects/${tenant.projectId}/segments`;

  it("lists the clusters with counts and statistics that add up", async () => {
    const res = await server.request(base(), { cookie: tenant.cookie });
    const clusters = res.body.segments.filter((s: { kind: string }) => s.kind === "cluster");
    expect(clusters.length).toBeGreaterThanOrEqual(2);
    expect(clusters.reduce((sum: number, s: { customer_count: number }) => sum + s.customer_count, 0)).toBe(
      everyone.length,
    );
    for (const s of clusters) {
      const members = everyone.filter((c) => c.segment_id === s.id);
      expect(s.customer_count).toBe(members.length);
      expect(s.stats.abc.A + s.stats.abc.B + s.stats.abc.C).toBe(members.length);
    }
  });

  it("previews rules without saving, then creates, updates and deletes a rule segment", async () => {
    const rules = [{ field: "churn_risk", op: "eq", value: "high" }];
    const preview = await server.request(`${base()}/preview`, {
      body: { kind: "rule", rules, sample_size: 5 },
      cookie: tenant.cookie,
    });
    expect(preview.status).toBe(200);
    const expected = everyone.filter((c) => c.churn_risk === "high");
    expect(preview.body.count).toBe(expected.length);
    expect(preview.body.sample.length).toBe(Math.min(5, expected.length));
    expect(preview.body.stats.churn_risk).toEqual({ low: 0, medium: 0, high: expected.length });
    const created = await server.request(base(), {
      body: { name: "Slipping away", kind: "rule", rules },
      cookie: tenant.cookie,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "rule", customer_count: expected.length, rules });
    const twice = await server.request(base(), {
      body: { name: "Slipping away", kind: "rule", rules },
      cookie: tenant.cookie,
    });
    expect(twice.status).toBe(409);
    const path = `/api/engine/segments/${created.body.id}`;
    const updated = await server.request(path, {
      method: "PATCH",
      body: {
        name: "At risk, big spenders",
        rules: [...rules, { field: "abc_category", op: "eq", value: "A" }],
      },
      cookie: tenant.cookie,
    });
    expect(updated.body.customer_count).toBe(expected.filter((c) => c.abc_category === "A").length);
    expect((await server.request(path, { method: "DELETE", cookie: tenant.cookie })).status).toBe(204);
    expect((await server.request(path, { cookie: tenant.cookie })).status).toBe(404);
  });

  it("narrows or widens a cluster with rules (hybrid), and refuses a base that is not a cluster", async () => {
    const cluster = everyone[0]!.segment_id as string;
    const rules = [{ field: "abc_category", op: "eq", value: "A" }];
    const inCluster = everyone.filter((c) => c.segment_id === cluster);
    for (const [combine, expected] of [
      ["narrow", inCluster.filter((c) => c.abc_category === "A").length],
      ["widen", everyone.filter((c) => c.segment_id === cluster || c.abc_category === "A").length],
    ] as const) {
      const res = await server.request(`${base()}/preview`, {
        body: { kind: "hybrid", base_segment_id: cluster, combine, rules },
        cookie: tenant.cookie,
      });
      expect(res.body.count, combine).toBe(expected);
    }
    const rule = await server.request(base(), {
      body: { name: "Rule base", kind: "rule", rules },
      cookie: tenant.cookie,
    });
    const wrong = await server.request(`${base()}/preview`, {
      body: { kind: "hybrid", base_segment_id: rule.body.id, rules },
      cookie: tenant.cookie,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].field).toBe("base_segment_id");
    const clusterEdit = await server.request(`/api/engine/segments/${cluster}`, {
      method: "PATCH",
      body: { rules },
      cookie: tenant.cookie,
    });
    expect(clusterEdit.status).toBe(400);
  });

  it("records who entered each segment when the pipeline refreshes memberships", async () => {
    const { knex } = server.app.db;
    const cluster = everyone[0]!.segment_id as string;
    const members = await knex("segment_memberships").where({ segment_id: cluster }).pluck("customer_id");
    expect(members.sort()).toEqual(
      everyone
        .filter((c) => c.segment_id === cluster)
        .map((c) => c.id)
        .sort(),
    );
    const entries = await knex("segment_events")
      .where({ segment_id: cluster, event: "enter" })
      .count<{ n: number }[]>({ n: "*" });
    expect(Number(entries[0]!.n)).toBe(members.length);
  });
});

describe("similar customers", () => {
  it("returns the nearest customers of the same project, most similar first", async () => {
    const other = await createTenant(server, "OtherShop");
    await setPlan(server, other.orgId, "pro");
    const job = await ingest(server, other, syntheticShop({ customers: 50, seed: 22 }));
    await followPipeline(server, other, job.job_id);
    const target = everyone[3]!;
    const res = await server.request(`/api/engine/customers/${target.id}/similar?limit=10`, {
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(200);
    expect(res.body.similar).toHaveLength(10);
    const ids = new Set(everyone.map((c) => c.id));
    for (const s of res.body.similar) expect(ids.has(s.customer.id)).toBe(true);
    const scores = res.body.similar.map((s: { similarity: number }) => s.similarity);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(res.body.similar.map((s: { customer: { id: string } }) => s.customer.id)).not.toContain(target.id);
    const byId = new Map(everyone.map((c) => [c.id, c]));
    for (const s of res.body.similar) expect(s.customer).toEqual(byId.get(s.customer.id));
  });

  // The served statement, as EXPLAIN sees it, with the settings it runs under. At 400 customers sorting the
  // project's embeddings is rightly cheaper, so sorting is made expensive (enable_sort = off) to ask whether the
  // HNSW index *can* deliver the order: with the query vector as a per-row value (a join to the target row) it
  // cannot, and the plan still sorts every embedding of the project, which this test refuses.
  it("walks the HNSW index in distance order, with the neighbours' profiles in the same statement", async () => {
    const knex = server.app.db.knex;
    const plan = await knex.transaction(async (trx) => {
      await trx.raw(`${SIMILAR_SEARCH_SETTINGS}; SET LOCAL enable_sort = off`);
      const sql = similarCustomersQuery(trx, tenant.projectId, everyone[3]!.id as string, 10).toSQL();
      const result = await trx.raw(`EXPLAIN ${sql.sql}`, sql.bindings as never[]);
      return (result.rows as { "QUERY PLAN": string }[]).map((row) => row["QUERY PLAN"]).join("\n");
    });
    // The project's own partition, through its HNSW index, in distance order; no sort of the embeddings.
    const scan = plan.match(
      /Index Scan using (\w+) on (cemb_\w+) e.*\n\s+Order By: \(embedding <=> (?:\$\d+|\(InitPlan \d+\)\.col1)\)/,
    );
    expect(scan, `no ordered HNSW scan in:\n${plan}`).not.toBeNull();
    expect(scan?.[2]).toMatch(new RegExp(`^cemb_${tenant.projectId.replace(/-/g, "")}_`));
    const index = await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname = ?", [scan?.[1] ?? ""]);
    expect(index.rows[0].indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(plan).not.toMatch(/Seq Scan on cemb_/);
    expect(plan).not.toMatch(/Sort Key: \(\(?e\.embedding/);
    // The neighbours' profiles joined in the same statement (by key or hash: the table here is small).
    expect(plan).toMatch(/(Nested Loop|Hash Join)[\s\S]*Scan (using customers_pkey )?on customers c/);
  });
});

describe("overview", () => {
  it("sums the project up: totals, distributions, the k choice, the models and the last runs", async () => {
    const res = await server.request(`/api/engine/projects/${tenant.projectId}/overview`, {
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o.totals.customers).toBe(everyone.length);
    expect(o.segments.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(everyone.length);
    expect(o.abc.A + o.abc.B + o.abc.C).toBe(everyone.length);
    expect(o.rfm_grid.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(everyone.length);
    expect(o.kmeans.k).toBe(o.segments.length);
    expect(o.kmeans.diagnostics.length).toBeGreaterThan(0);
    expect(["bgnbd", "logistic", "forest", "recency_rule"]).toContain(o.models.churn.model);
    expect(["bgnbd_gamma_gamma", "forest_gamma_gamma", "past_value"]).toContain(o.models.clv.model);
    expect(o.models.clv.horizon_months).toBe(12);
    for (const stage of ["ingest", "segmentation", "predictive", "action"])
      expect(o.last_runs[stage]).not.toBeNull();
  });
});
