import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type Config, loadConfig } from "../server/src/config.js";
import type { AppContext } from "../server/src/context.js";
import { startServer } from "../server/src/server.js";
import { syntheticShopRecords } from "../server/src/synthetic/shop.js";

const ORIGIN = "http://localhost:5173";

/**
 * A server for a benchmark run (the real services when DATABASE_URL / REDIS_URL are set, else embedded), with
 * a signed-up owner, an organization on the enterprise plan (no quota gets in the way), a project and an API key.
 */
export async function benchServer(overrides: Partial<Config> = {}, options: { workers?: boolean } = {}) {
  const config = loadConfig(
    { ...process.env, PORT: "0", LOG_LEVEL: "warn", TRUSTED_ORIGINS: ORIGIN },
    {
      authSecret: process.env.BETTER_AUTH_SECRET ?? randomBytes(32).toString("hex"),
      encryptionKey: process.env.ENCRYPTION_KEY ?? randomBytes(32).toString("hex"),
      dataDir: `${process.cwd()}/.segmento/bench-${Date.now()}-${process.pid}`,
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
      ...overrides,
    },
  );
  const server = await startServer(config, { workers: options.workers });
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, string> };
  };
  const signUp = await call("/api/auth/sign-up/email", {
    name: "Bench",
    email: `bench.${randomUUID()}@example.com`,
    password: randomBytes(12).toString("hex"),
  });
  const cookie = (signUp.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
  const org = await call("/api/organizations", { name: "Bench" }, { cookie });
  await server.app.db.knex("organization").where({ id: org.json.id }).update({ plan: "enterprise" });
  const project = await call(`/api/organizations/${org.json.id}/projects`, { name: "Bench" }, { cookie });
  const key = await call(`/api/projects/${project.json.id}/api-keys`, { name: "bench" }, { cookie });
  return {
    server,
    call,
    cookie,
    organizationId: String(org.json.id),
    projectId: String(project.json.id),
    apiKey: String(key.json.key),
  };
}

/** Writes the shop's transactions, exposures and customers' raw aggregates straight into the tables. */
export async function loadSyntheticShop(app: AppContext, projectId: string, customers: number) {
  const databaseUrl = app.config.databaseUrl;
  const db = app.db.knex;
  if (!databaseUrl)
    throw new Error("bench:engine loads its shops with COPY: run it with DATABASE_URL (and REDIS_URL)");
  const fileId = randomUUID();
  let transactions = 0;
  const exposures: string[] = [];
  const lines = function* () {
    let line = 1;
    for (const r of syntheticShopRecords({ customers, seed: 11, meanOrders: 20, meanDropout: 0.05 })) {
      line += 1;
      if (r.type === "campaign_exposure") {
        exposures.push(
          `${projectId},${r.customer_id},${r.campaign_id},${r.group},${r.exposed_at},${fileId},${line}\n`,
        );
        continue;
      }
      transactions += 1;
      const isReturn = Number(r.amount) < 0;
      yield `${projectId},${r.customer_id},${r.order_date},${r.amount},${r.order_id},${isReturn ? "returned" : ""},${isReturn},${fileId},${line}\n`;
    }
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await pipeline(
      Readable.from(lines()),
      client.query(
        copyFrom(
          "COPY transactions (project_id, customer_key, order_date, amount, order_id, status, is_return, file_id, line) FROM STDIN WITH (FORMAT csv)",
        ),
      ),
    );
    await pipeline(
      Readable.from(exposures),
      client.query(
        copyFrom(
          'COPY campaign_exposures (project_id, customer_key, campaign_id, "group", exposed_at, file_id, line) FROM STDIN WITH (FORMAT csv)',
        ),
      ),
    );
  } finally {
    await client.end();
  }
  await db.raw(
    `INSERT INTO customers (project_id, customer_key, customer_id_hash, first_transaction_at, last_transaction_at,
                            purchase_count, return_count, gross_amount, return_amount)
     SELECT project_id, customer_key, 'CUST_' || upper(substr(md5(project_id || ':' || customer_key), 1, 8)),
            min(order_date), max(order_date), count(*) FILTER (WHERE NOT is_return), count(*) FILTER (WHERE is_return),
            coalesce(sum(amount) FILTER (WHERE NOT is_return), 0), coalesce(sum(abs(amount)) FILTER (WHERE is_return), 0)
       FROM transactions WHERE project_id = ? GROUP BY project_id, customer_key`,
    [projectId],
  );
  await db.raw("ANALYZE transactions; ANALYZE customers");
  return transactions;
}

/** What an Engine stage is given, for running it directly on a project without the queue. */
export function engineStage(app: AppContext, projectId: string) {
  return [
    {
      db: app.db.knex,
      engine: app.engine,
      sampleCustomers: app.config.modelSampleCustomers,
      fullRun: app.config.fullRun,
    },
    { projectId, jobId: randomUUID() },
  ] as const;
}
