/**
 * npm run bench:ingest — 1,000,000 records in 10,000-record batches through the HTTP ingest API until every job
 * has completed, beside a raw COPY of the same rows into the same table in the same run. Prints records/s of
 * each and the ratio. Uses DATABASE_URL / REDIS_URL when set (the real services), else the embedded default.
 *
 *   RECORDS=200000 npm run bench:ingest    # a smaller run
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { startServer } from "../server/src/server.js";
import { benchServer } from "./harness.js";

const TOTAL = Number(process.env.RECORDS ?? 1_000_000);
const BATCH = 10_000;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);

function record(n: number) {
  const day = 1 + (n % 28);
  return {
    customer_id: `C-${n % 100_000}`,
    order_date: `2026-0${1 + (n % 9)}-${String(day).padStart(2, "0")}`,
    amount: Math.round(((n * 7919) % 50_000) / 10) / 10 - (n % 50 === 0 ? 60 : 0),
    order_id: `O-${n}`,
    country: n % 3 === 0 ? "TR" : "DE",
  };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const { server, call, projectId, apiKey } = await benchServer({
    segmentationDebounceMs: 600_000,
    workerConcurrency: 2,
  });
  const project = { json: { id: projectId } };
  try {
    const auth = { authorization: `Bearer ${apiKey}` };

    console.log(
      `Segmento ingest bench: ${TOTAL.toLocaleString("en-US")} records, ${BATCH.toLocaleString("en-US")} per batch, ${CONCURRENCY} concurrent requests, on ${server.app.db.kind} + ${server.app.queue.kind}`,
    );
    // Through the API: send every batch, then wait for every job.
    const started = performance.now();
    const jobIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const from = next;
          next += BATCH;
          const records = Array.from({ length: Math.min(BATCH, TOTAL - from) }, (_, i) => record(from + i));
          const res = await call(
            "/api/v1/ingest",
            { project_id: project.json.id, records, batch_id: `b-${from}` },
            auth,
          );
          if (res.status !== 202) throw new Error(`batch ${from}: ${res.status} ${JSON.stringify(res.json)}`);
          jobIds.push(String(res.json.job_id));
        }
      }),
    );
    const accepted = performance.now();
    for (const id of jobIds) {
      for (;;) {
        const status = await call(`/api/engine/jobs/${id}/status`, undefined, auth);
        if (status.json.status === "completed") break;
        if (status.json.status === "failed")
          throw new Error(`job ${id} failed: ${status.json.error_message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const done = performance.now();
    const stored = await server.app.db
      .knex("transactions")
      .where({ project_id: project.json.id })
      .count({ n: "*" });
    if (Number(stored[0]?.n) !== TOTAL)
      throw new Error(`stored ${stored[0]?.n} transactions, expected ${TOTAL}`);
    const apiSeconds = (done - started) / 1000;

    // Baseline: the same rows COPYed straight into the same table.
    const copySeconds = await rawCopy(server, databaseUrl, String(project.json.id));

    const apiRate = TOTAL / apiSeconds;
    const copyRate = TOTAL / copySeconds;
    console.log(
      `HTTP ingest API (accepted in ${((accepted - started) / 1000).toFixed(1)} s, all jobs completed): ${apiSeconds.toFixed(1)} s = ${Math.round(apiRate).toLocaleString("en-US")} records/s`,
    );
    const baseline = databaseUrl ? "raw COPY into transactions" : "raw batched INSERT into transactions";
    console.log(
      `${baseline} (same rows, same table): ${copySeconds.toFixed(1)} s = ${Math.round(copyRate).toLocaleString("en-US")} records/s`,
    );
    console.log(
      `ratio: the API path runs at ${(apiRate / copyRate).toFixed(2)}x the baseline's rate (${(copyRate / apiRate).toFixed(1)}x slower)`,
    );
    console.log(
      `command: ${databaseUrl ? "DATABASE_URL=... REDIS_URL=... " : ""}RECORDS=${TOTAL} npm run bench:ingest`,
    );
  } finally {
    await server.close();
  }
}

/** COPY of the same rows as the API stored, under a fresh file id (PGlite cannot COPY: batched inserts there). */
async function rawCopy(
  server: Awaited<ReturnType<typeof startServer>>,
  databaseUrl: string | undefined,
  projectId: string,
) {
  const fileId = randomUUID();
  const lines = function* () {
    for (let n = 0; n < TOTAL; n++) {
      const r = record(n);
      yield `${projectId},${r.customer_id},${r.order_date},${r.amount},${r.order_id},,,,${r.amount < 0},${fileId},${n + 2}\n`;
    }
  };
  const columns =
    "project_id, customer_key, order_date, amount, order_id, quantity, currency, status, is_return, file_id, line";
  if (!databaseUrl) {
    const started = performance.now();
    const knex = server.app.db.knex;
    let batch: string[][] = [];
    for (const line of lines()) {
      batch.push(line.trimEnd().split(","));
      if (batch.length === 5000) {
        await knex("transactions").insert(batch.map(toRow));
        batch = [];
      }
    }
    if (batch.length) await knex("transactions").insert(batch.map(toRow));
    return (performance.now() - started) / 1000;
  }
  const client = new pg.Client({ connectionString: server.app.config.databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await pipeline(
      Readable.from(lines()),
      client.query(copyFrom(`COPY transactions (${columns}) FROM STDIN WITH (FORMAT csv)`)),
    );
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

const toRow = ([
  project_id,
  customer_key,
  order_date,
  amount,
  order_id,
  ,
  ,
  ,
  is_return,
  file_id,
  line,
]: string[]) => ({
  project_id,
  customer_key,
  order_date,
  amount,
  order_id,
  is_return: is_return === "true",
  file_id,
  line: Number(line),
});

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
