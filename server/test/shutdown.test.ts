import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { cliArgs, sharedEnvironment } from "./helpers/cli.js";
import {
  createTenant,
  ingest,
  type ServerClient,
  serverAt,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

/**
 * SIGTERM in the middle of a run: the process takes nothing new, finishes the job it is running and exits 0;
 * an open event stream is ended with a reconnect hint (`retry:`). Afterwards every job completes exactly once
 * (one attempt each) and every record is stored once. With REDIS_URL the signal goes to a separate
 * `segmento-server worker` and a second worker finishes the queue; embedded, to `segmento-server start`, which
 * is started again on the same data directory.
 */
const BATCHES = 4;
const PER_BATCH = 10_000;
const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

function spawnCli(command: string, env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, cliArgs(command), { env, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let output = "";
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => /Segmento (listening on|worker running)/.test(l));
      if (line) resolve(JSON.parse(line).url ?? "");
    });
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, ready, exited, output: () => output };
}

async function sendBatches(server: ServerClient, tenant: Tenant) {
  const jobs: string[] = [];
  const runs: string[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const records = Array.from({ length: PER_BATCH }, (_, i) => ({
      customer_id: `c${i % 500}`,
      order_date: "2026-05-01",
      amount: 1 + (i % 7),
      order_id: `B${b}-${i}`,
    }));
    const accepted = await ingest(server, tenant, records, { batch_id: `batch-${b}` });
    jobs.push(accepted.job_id);
    runs.push(accepted.run_id);
  }
  return { jobs, runs };
}

async function jobRows(server: ServerClient, tenant: Tenant, ids: string[]) {
  return Promise.all(
    ids.map(
      async (id) => (await server.request(`/api/engine/jobs/${id}/status`, { cookie: tenant.cookie })).body,
    ),
  );
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every job completed after one attempt, and every record of every batch stored once. */
async function expectEachOnce(server: ServerClient, tenant: Tenant, jobs: string[]) {
  const settled = await waitFor("every job to complete", async () => {
    const rows = await jobRows(server, tenant, jobs);
    return rows.every((row) => row.status === "completed") ? rows : undefined;
  });
  expect(settled.map((row) => row.attempts)).toEqual(jobs.map(() => 1));
  const files = await server.request(`/api/projects/${tenant.projectId}/files?limit=100`, {
    cookie: tenant.cookie,
  });
  expect(files.body.total).toBe(BATCHES);
  for (const file of files.body.files)
    expect(file).toMatchObject({ status: "completed", rowCount: PER_BATCH });
}

/**
 * Holds every insert into `transactions` (a SHARE lock in a transaction of the test's own): an ingest job that
 * reaches its insert waits there, visibly, in PostgreSQL, until the test lets it go. So the test knows a job is
 * running, and for how long, without racing a poll against a job that may take a few milliseconds.
 */
async function holdTransactionInserts(databaseUrl: string) {
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE transactions IN SHARE MODE");
  let held = true;
  return {
    /** Resolves once another session waits for the lock, i.e. a job is inside its insert. */
    blocked: () =>
      waitFor("a job to wait for the held insert", async () => {
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE NOT granted AND relation = 'transactions'::regclass AND pid <> pg_backend_pid()`,
        );
        return rows[0].n > 0 ? true : undefined;
      }),
    async release() {
      if (!held) return;
      held = false;
      await holder.query("ROLLBACK");
      await holder.end();
    },
  };
}

if (services) {
  describe("a worker process stopped with SIGTERM mid-run", () => {
    let server: TestServer;
    let env: Record<string, string | undefined>;
    let tenant: Tenant;
    afterAll(async () => server?.close());

    const start = async (name: string) => {
      await server?.close();
      server = await startTestServer({ segmentationDebounceMs: 600_000 }, process.env, { workers: false });
      const config = server.app.config;
      env = {
        ...sharedEnvironment(config),
        WORKER_CONCURRENCY: "1",
        WORKER_LOCK_MS: "5000",
        SEGMENTATION_DEBOUNCE_MS: "600000",
        LOG_LEVEL: "info",
      };
      tenant = await createTenant(server, name);
      return hold(config.databaseUrl);
    };
    const hold = (databaseUrl: string | undefined) => {
      if (!databaseUrl) throw new Error("the services run has a database URL");
      return holdTransactionInserts(databaseUrl);
    };
    const storedTransactions = async () =>
      Number(
        (
          await server.app.db.knex("transactions").where({ project_id: tenant.projectId }).count({ n: "*" })
        )[0]?.n,
      );
    /** A worker started, the batches sent, and its first job inside the held insert. */
    const workerMidJob = async (
      held: Awaited<ReturnType<typeof holdTransactionInserts>>,
      workerEnv: Record<string, string | undefined>,
    ) => {
      const first = spawnCli("worker", workerEnv);
      await first.ready;
      const { jobs } = await sendBatches(server, tenant);
      await held.blocked();
      const running = (await jobRows(server, tenant, jobs)).find((row) => row.status === "processing");
      if (!running) throw new Error("the job waiting for the held insert is not processing");
      return { first, jobs, running };
    };
    /** Another worker finishes the queue: every job once, every record stored once; it stops cleanly. */
    const secondWorkerRunsTheRest = async (jobs: string[]) => {
      const second = spawnCli("worker", env);
      await second.ready;
      await expectEachOnce(server, tenant, jobs);
      expect(await storedTransactions()).toBe(BATCHES * PER_BATCH);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    };

    it("finishes its current job, takes no other, exits 0; another worker runs the rest, each once", async () => {
      const held = await start("Shutdown");
      try {
        const { first, jobs, running } = await workerMidJob(held, env);
        first.child.kill("SIGTERM");
        await waitFor("the worker to log its shutdown", async () =>
          first.output().includes("shutting down: finishing the requests and jobs in flight")
            ? true
            : undefined,
        );
        // The job in flight may go on once the worker has been told to stop; it must finish it.
        await held.release();
        expect(await first.exited).toBe(0);
        const [after] = await jobRows(server, tenant, [running.job_id]);
        expect(after).toMatchObject({ status: "completed", attempts: 1 });
        // It took no other job after the signal.
        expect(
          (await jobRows(server, tenant, jobs)).filter((row) => row.status === "completed"),
        ).toHaveLength(1);

        await secondWorkerRunsTheRest(jobs);
      } finally {
        await held.release();
      }
    }, 600_000);

    it("past SHUTDOWN_TIMEOUT_MS exits 1 and hands its running job back: another worker runs it, nothing twice", async () => {
      const held = await start("Shutdown timeout");
      try {
        const { first, jobs, running } = await workerMidJob(held, { ...env, SHUTDOWN_TIMEOUT_MS: "1000" });
        // The job cannot finish while the insert is held: the shutdown's time runs out.
        first.child.kill("SIGTERM");
        expect(await first.exited).toBe(1);
        expect(first.output()).toContain("shutdown timed out: exiting; running jobs are handed back");
        const [abandoned] = await jobRows(server, tenant, [running.job_id]);
        expect(abandoned.status).toBe("processing");
        await held.release();

        // Its queue lock lapses (WORKER_LOCK_MS), so the queue hands the job to the next worker; the abandoned
        // attempt's transaction died with its connection, so each record is stored once.
        await secondWorkerRunsTheRest(jobs);
      } finally {
        await held.release();
      }
    }, 600_000);
  });
} else {
  /** `start` on the embedded runtime, on a data directory of its own that a restart reuses. */
  const embeddedEnv = (extra: Record<string, string> = {}) => {
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
    return {
      ...rest,
      PORT: "0",
      SEGMENTO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "segmento-shutdown-")),
      TRUSTED_ORIGINS: TEST_ORIGIN,
      SEGMENTATION_DEBOUNCE_MS: "600000",
      LOG_LEVEL: "info",
      ...extra,
    };
  };

  describe("an embedded server stopped with SIGTERM mid-run", () => {
    it("ends event streams with a reconnect hint, finishes its current job, exits 0; a restart runs the rest", async () => {
      const env = embeddedEnv();
      const first = spawnCli("start", env);
      let server = serverAt(await first.ready);
      const tenant = await createTenant(server, "Shutdown");
      const { jobs, runs } = await sendBatches(server, tenant);
      // The last batch's job starts after the others (embedded, one ingest job at a time): its own event
      // stream says when, without a poll that a quick job could slip between.
      const running = await jobStarted(await first.ready, tenant, jobs.at(-1) ?? "");
      // The run cannot end before the signal: its segmentation waits out a ten-minute debounce.
      const stream = await fetch(`${await first.ready}/api/engine/runs/${runs[0]}/stream`, {
        headers: { cookie: tenant.cookie, accept: "text/event-stream", origin: TEST_ORIGIN },
      });
      expect(stream.status).toBe(200);
      const streamed = stream.text();

      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      expect(await streamed).toMatch(/retry: \d+\n: server shutting down/);
      expect(first.output()).toContain("shutting down: finishing the requests and jobs in flight");

      const second = spawnCli("start", env);
      server = serverAt(await second.ready);
      const [after] = await jobRows(server, tenant, [running.job_id]);
      expect(after).toMatchObject({ status: "completed", attempts: 1 });
      await expectEachOnce(server, tenant, jobs);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }, 600_000);

    it("past SHUTDOWN_TIMEOUT_MS, with a request still in flight, exits 1; a restart runs every job once", async () => {
      const env = embeddedEnv({ SHUTDOWN_TIMEOUT_MS: "1000" });
      const first = spawnCli("start", env);
      const url = await first.ready;
      let server = serverAt(url);
      const tenant = await createTenant(server, "Shutdown timeout");
      const { jobs } = await sendBatches(server, tenant);
      const stalled = await requestInFlight(`${url}/api/contact`);

      // The request never ends, so the shutdown's time runs out, whatever job is running then.
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(1);
      expect(first.output()).toContain("shutdown timed out: exiting; running jobs are handed back");
      await stalled.cut;

      const second = spawnCli("start", env);
      server = serverAt(await second.ready);
      await expectEachOnce(server, tenant, jobs);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }, 600_000);
  });
}

/** Follows a job's event stream until it is processing (or already over); returns its id. */
async function jobStarted(url: string, tenant: Tenant, jobId: string) {
  const stream = await fetch(`${url}/api/engine/jobs/${jobId}/progress/stream`, {
    headers: { cookie: tenant.cookie, accept: "text/event-stream", origin: TEST_ORIGIN },
  });
  expect(stream.status).toBe(200);
  const decoder = new TextDecoder();
  let seen = "";
  for await (const chunk of stream.body ?? []) {
    seen += decoder.decode(chunk, { stream: true });
    if (/"status":"(processing|completed|failed)"/.test(seen)) break;
  }
  await stream.body?.cancel().catch(() => {});
  expect(seen).toMatch(/"status":"(processing|completed)"/);
  return { job_id: jobId };
}

/**
 * A POST whose body never arrives in full, once the server has taken it (its `100 Continue` says so): a request
 * in flight for as long as the test likes. `cut` resolves when the server's side goes away.
 */
async function requestInFlight(url: string) {
  const req = httpRequest(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "content-length": "1000",
      expect: "100-continue",
      origin: TEST_ORIGIN,
    },
  });
  const cut = new Promise<void>((resolve) => {
    req.once("error", () => resolve());
    req.once("close", () => resolve());
  });
  await new Promise<void>((resolve) => req.once("continue", resolve));
  req.write('{"name":"Ada","email":"ada@example.com","message":"');
  return { cut };
}
