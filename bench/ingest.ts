/**
 * npm run bench:ingest — 1,000,000 records two ways, each until every job has completed: through the HTTP ingest
 * API in 10,000-record batches, and as one uploaded CSV file of the same rows. Beside them, in the same run, a
 * raw COPY of the same rows into the same table (the baseline). Prints records/s of each, the ratios, and where
 * the time went (accepting, then each step of the ingest jobs). Uses DATABASE_URL / REDIS_URL when set (the real
 * services), else the embedded default (where the baseline is batched INSERTs: PGlite cannot COPY).
 *
 *   RECORDS=100000 npm run bench:ingest    # a smaller run
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

type Bench = Awaited<ReturnType<typeof benchServer>>;
type Server = Awaited<ReturnType<typeof startServer>>;

/** Where a path's time went: accepting (requests answered), then the jobs, with their steps summed. */
interface PathTimes {
  seconds: number;
  acceptedSeconds: number;
  steps: Record<string, number>;
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  // Built before the server starts: building it is seconds of synchronous work at 1,000,000 rows, which would
  // stall the server's loop (it runs in this process) in the middle of a measurement.
  const csv = csvOfRecords();
  const bench = await benchServer({ segmentationDebounceMs: 600_000, workerConcurrency: 2 });
  const { server } = bench;
  try {
    console.log(
      `Segmento ingest bench: ${TOTAL.toLocaleString("en-US")} records (API: ${BATCH.toLocaleString("en-US")} per batch, ${CONCURRENCY} concurrent requests; upload: one CSV file), on ${server.app.db.kind} + ${server.app.queue.kind}`,
    );
    const api = await throughApi(bench);
    // Printed as soon as measured: a run that fails later still tells where this path's time went.
    console.log(`(HTTP ingest API measured: ${api.seconds.toFixed(1)} s; ${JSON.stringify(api)})`);
    const upload = await throughUpload(bench, csv);
    console.log(`(CSV upload measured: ${upload.seconds.toFixed(1)} s; ${JSON.stringify(upload)})`);
    const copySeconds = await rawCopy(server, databaseUrl, bench.projectId);

    const copyRate = TOTAL / copySeconds;
    const baseline = databaseUrl ? "raw COPY into transactions" : "raw batched INSERT into transactions";
    console.log(
      `${baseline} (same rows, same table): ${copySeconds.toFixed(1)} s = ${Math.round(copyRate).toLocaleString("en-US")} records/s`,
    );
    for (const [name, times] of [
      ["HTTP ingest API", api],
      ["CSV upload", upload],
    ] as const) {
      const rate = TOTAL / times.seconds;
      const steps = Object.entries(times.steps)
        .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`)
        .join(", ");
      console.log(
        `${name}: ${times.seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString("en-US")} records/s, ${(rate / copyRate).toFixed(2)}x the baseline's rate`,
      );
      console.log(
        `  accepted in ${times.acceptedSeconds.toFixed(1)} s, jobs done ${(times.seconds - times.acceptedSeconds).toFixed(1)} s later; job steps (summed over jobs): ${steps}`,
      );
    }
    console.log(
      `command: ${databaseUrl ? "DATABASE_URL=... REDIS_URL=... " : ""}RECORDS=${TOTAL} npm run bench:ingest`,
    );
  } finally {
    await server.close();
  }
}

/** Every batch through POST /api/v1/ingest, CONCURRENCY requests at a time, then every job to its end. */
async function throughApi({ call, projectId, apiKey, server }: Bench): Promise<PathTimes> {
  const auth = { authorization: `Bearer ${apiKey}` };
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
          { project_id: projectId, records, batch_id: `b-${from}` },
          auth,
        );
        if (res.status !== 202) throw new Error(`batch ${from}: ${res.status} ${JSON.stringify(res.json)}`);
        jobIds.push(String(res.json.job_id));
      }
    }),
  );
  const accepted = performance.now();
  const steps = await waitForJobs(call, auth, jobIds);
  const done = performance.now();
  await expectStored(server, projectId);
  return { seconds: (done - started) / 1000, acceptedSeconds: (accepted - started) / 1000, steps };
}

/** The bench's records as one CSV file. */
function csvOfRecords(): Blob {
  const lines = ["customer_id,order_date,amount,order_id,country\n"];
  for (let n = 0; n < TOTAL; n++) {
    const r = record(n);
    lines.push(`${r.customer_id},${r.order_date},${r.amount},${r.order_id},${r.country}\n`);
  }
  // One part: undici's multipart encoder resets the connection on a Blob of a million small parts.
  return new Blob([lines.join("")]);
}

/** The same rows as one CSV file through POST /api/projects/{projectId}/files, into a project of its own. */
async function throughUpload({ call, cookie, organizationId, server }: Bench, csv: Blob): Promise<PathTimes> {
  const project = await call(`/api/organizations/${organizationId}/projects`, { name: "Upload" }, { cookie });
  const projectId = String(project.json.id);
  const form = new FormData();
  form.set("file", csv, "orders.csv");
  const started = performance.now();
  const res = await fetch(`${server.url}/api/projects/${projectId}/files`, {
    method: "POST",
    body: form,
    headers: { cookie, origin: "http://localhost:5173" },
  });
  const body = (await res.json()) as Record<string, string>;
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
  const accepted = performance.now();
  const steps = await waitForJobs(call, { cookie }, [String(body.job_id)]);
  const done = performance.now();
  await expectStored(server, projectId);
  return { seconds: (done - started) / 1000, acceptedSeconds: (accepted - started) / 1000, steps };
}

/** Waits for every job to complete; the sum of their steps' milliseconds. */
async function waitForJobs(call: Bench["call"], headers: Record<string, string>, jobIds: string[]) {
  const steps: Record<string, number> = {};
  for (const id of jobIds) {
    for (;;) {
      const res = await call(`/api/engine/jobs/${id}/status`, undefined, headers);
      const status = res.json as unknown as {
        status: string;
        error_message: string | null;
        result: { durations_ms?: Record<string, number> } | null;
      };
      if (status.status === "completed") {
        for (const [step, ms] of Object.entries(status.result?.durations_ms ?? {}))
          steps[step] = (steps[step] ?? 0) + ms;
        break;
      }
      if (status.status === "failed") throw new Error(`job ${id} failed: ${status.error_message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return steps;
}

async function expectStored(server: Server, projectId: string) {
  const stored = await server.app.db.knex("transactions").where({ project_id: projectId }).count({ n: "*" });
  if (Number(stored[0]?.n) !== TOTAL)
    throw new Error(`stored ${stored[0]?.n} transactions, expected ${TOTAL}`);
}

/** COPY of the same rows as the API stored, under a fresh file id (PGlite cannot COPY: batched inserts there). */
async function rawCopy(server: Server, databaseUrl: string | undefined, projectId: string) {
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

// No process.exit: the bench ends when every server, queue and client it opened is closed (a test checks it).
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
