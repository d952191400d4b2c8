/**
 * npm run bench:api — with 100k customers loaded and scored, autocannon on the customers list (a filtered,
 * sorted page) and on similar customers, beside a bare Express + pg route running the same SQL in the same run;
 * prints p50/p99 and requests/s of each and the ratio, the similar endpoint's recall@10 against the same statement
 * forced to an exact scan, and both plans.
 *
 *   CUSTOMERS=20000 DURATION=10 npm run bench:api
 */
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import express from "express";
import pg from "pg";
import {
  customerPageQueries,
  SIMILAR_EF_SEARCH,
  SIMILAR_SEARCH_SETTINGS,
  similarCustomersQuery,
} from "../server/src/db/customers.js";
import { filtersToSql, parseFilters } from "../server/src/domain/customers/filter-language.js";
import { predictProject } from "../server/src/domain/pipeline/predict-project.js";
import type { Progress } from "../server/src/domain/pipeline/progress.js";
import { segmentProject } from "../server/src/domain/pipeline/segment-project.js";
import { benchServer, engineStage, loadSyntheticShop } from "./harness.js";

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const DURATION = Number(process.env.DURATION ?? 15);
const CONNECTIONS = 10;
const FILTERS = [
  { field: "churn_risk", op: "in", values: ["medium", "high"] },
  { field: "rfm_monetary", op: "range", min: 100, max: 5000 },
];

async function main() {
  if (!process.env.DATABASE_URL)
    throw new Error("bench:api runs on the real services: set DATABASE_URL and REDIS_URL");
  const { server, projectId, apiKey } = await benchServer({}, { workers: false });
  const app = server.app;
  const db = app.db.knex;
  try {
    process.stdout.write(`loading and scoring ${CUSTOMERS.toLocaleString("en-US")} customers... `);
    await loadSyntheticShop(app, projectId, CUSTOMERS);
    const quiet: Progress = async () => {};
    await segmentProject(...engineStage(app, projectId), quiet);
    await predictProject(...engineStage(app, projectId), quiet);
    console.log("done");

    // The bare route: the same two statements (page and count) the endpoint runs, on a plain pg pool.
    const condition = filtersToSql(parseFilters(FILTERS));
    const order = { column: "rfm_monetary", direction: "desc" as const };
    const queries = customerPageQueries(db, projectId, [condition], order, { limit: 50, offset: 0 });
    const page = queries.page.toSQL().toNative();
    const count = queries.count.toSQL().toNative();
    const pool = new pg.Pool({ connectionString: app.config.databaseUrl, max: 10 });
    const bare = express();
    bare.get("/customers", async (_req, res) => {
      const [rows, total] = await Promise.all([
        pool.query(page.sql, page.bindings as unknown[]),
        pool.query(count.sql, count.bindings as unknown[]),
      ]);
      res.json({ customers: rows.rows, total: total.rows[0].count });
    });
    const bareServer = bare.listen(0, "127.0.0.1");
    await new Promise((resolve) => bareServer.once("listening", resolve));
    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

    const headers = { authorization: `Bearer ${apiKey}` };
    const listPath = `/api/engine/projects/${projectId}/customers?limit=50&sort_by=rfm_monetary&sort_dir=desc&filters=${encodeURIComponent(JSON.stringify(FILTERS))}`;
    const ids: string[] = await db("customers")
      .where({ project_id: projectId })
      .orderByRaw("random()")
      .limit(200)
      .pluck("id");

    const run = (url: string, paths: string[], title: string) =>
      autocannon({
        url,
        title,
        connections: CONNECTIONS,
        duration: DURATION,
        headers,
        requests: [
          { setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) },
        ],
      });
    const warm = await run(server.url, [listPath], "warm-up");
    void warm;
    const api = await run(server.url, [listPath], "customers list (API)");
    const baseline = await run(bareUrl, ["/customers"], "bare Express + pg, same SQL");
    const similar = await run(
      server.url,
      ids.map((id) => `/api/engine/customers/${id}/similar?limit=10`),
      "similar customers (API)",
    );
    const line = (r: autocannon.Result) =>
      `p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  ${Math.round(r.requests.average).toLocaleString("en-US").padStart(6)} req/s  (${r.non2xx} non-2xx, ${r.errors} errors)`;
    console.log(
      `\nSegmento API bench: ${CUSTOMERS.toLocaleString("en-US")} customers, ${CONNECTIONS} connections, ${DURATION} s each`,
    );
    console.log(`  customers list (API, filtered + sorted page):  ${line(api)}`);
    console.log(`  bare Express + pg, same SQL:                   ${line(baseline)}`);
    console.log(`  similar customers (API, limit 10):             ${line(similar)}`);
    console.log(
      `  ratio: API p99 is ${(api.latency.p99 / Math.max(1, baseline.latency.p99)).toFixed(2)}x the bare route's; throughput ${(api.requests.average / baseline.requests.average).toFixed(2)}x`,
    );

    // Recall@10 of the served path (the API's answers) against the same statement forced to an exact scan.
    const exactPlan = "SET LOCAL enable_indexscan = off";
    const statement = (id: string) => similarCustomersQuery(db, projectId, id, 10).toSQL().toNative();
    const inTransaction = (settings: string, sql: string, bindings: readonly unknown[]) =>
      db.transaction(async (trx) => {
        await trx.raw(settings);
        return (await trx.raw(sql, bindings as never[])).rows as Record<string, unknown>[];
      });
    let hits = 0;
    for (const id of ids) {
      const served = await fetch(`${server.url}/api/engine/customers/${id}/similar?limit=10`, { headers });
      const body = (await served.json()) as { similar: { customer: { id: string } }[] };
      const approximate = new Set(body.similar.map((s) => s.customer.id));
      const { sql, bindings } = statement(id);
      const exact = await inTransaction(exactPlan, sql, bindings);
      hits += exact.filter((row) => approximate.has(row.id as string)).length;
    }
    console.log(
      `  similar customers recall@10, served path against a forced exact scan (200 customers, ef_search ${SIMILAR_EF_SEARCH}): ${(hits / (ids.length * 10)).toFixed(3)}`,
    );
    for (const [title, settings] of [
      ["served plan", SIMILAR_SEARCH_SETTINGS],
      ["exact-scan plan", exactPlan],
    ] as const) {
      const { sql, bindings } = statement(ids[0]!);
      const plan = await inTransaction(settings, `EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, bindings);
      console.log(`\n  ${title} (${settings}):\n${plan.map((r) => `    ${r["QUERY PLAN"]}`).join("\n")}`);
    }
    console.log(
      `command: DATABASE_URL=... REDIS_URL=... CUSTOMERS=${CUSTOMERS} DURATION=${DURATION} npm run bench:api`,
    );
    bareServer.close();
    await pool.end();
  } finally {
    await server.close();
  }
}

// No process.exit: the bench ends when every server, queue and client it opened is closed.
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
