import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliArgs } from "./helpers/cli.js";
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

if (services) {
  describe("a worker process stopped with SIGTERM mid-run", () => {
    let server: TestServer;
    afterAll(async () => server?.close());

    it("finishes its current job, takes no other, exits 0; another worker runs the rest, each once", async () => {
      server = await startTestServer({ segmentationDebounceMs: 600_000 }, process.env, { workers: false });
      const config = server.app.config;
      const env = {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        REDIS_URL: config.redisUrl,
        REDIS_PREFIX: config.redisPrefix,
        BETTER_AUTH_SECRET: config.authSecret,
        ENCRYPTION_KEY: config.encryptionKey,
        FILE_STORE_DIR: config.fileStoreDir,
        WORKER_CONCURRENCY: "1",
        WORKER_LOCK_MS: "5000",
        SEGMENTATION_DEBOUNCE_MS: "600000",
        LOG_LEVEL: "info",
      };
      const tenant = await createTenant(server, "Shutdown");
      const first = spawnCli("worker", env);
      await first.ready;
      const { jobs } = await sendBatches(server, tenant);
      const running = await waitFor("a job to start", async () =>
        (await jobRows(server, tenant, jobs)).find((row) => row.status === "processing"),
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the worker said:\n${first.output()}`);
      });
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      // The job it was running when the signal came was finished by it, not abandoned.
      const [after] = await jobRows(server, tenant, [running.job_id]);
      expect(after).toMatchObject({ status: "completed", attempts: 1 });
      expect(first.output()).toContain("shutting down: finishing the requests and jobs in flight");

      const second = spawnCli("worker", env);
      await second.ready;
      await expectEachOnce(server, tenant, jobs);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }, 600_000);
  });
} else {
  describe("an embedded server stopped with SIGTERM mid-run", () => {
    it("ends event streams with a reconnect hint, finishes its current job, exits 0; a restart runs the rest", async () => {
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
      const env = {
        ...rest,
        PORT: "0",
        SEGMENTO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "segmento-shutdown-")),
        TRUSTED_ORIGINS: TEST_ORIGIN,
        SEGMENTATION_DEBOUNCE_MS: "600000",
        LOG_LEVEL: "info",
      };
      const first = spawnCli("start", env);
      let server = serverAt(await first.ready);
      const tenant = await createTenant(server, "Shutdown");
      const { jobs, runs } = await sendBatches(server, tenant);
      const running = await waitFor("a job to start", async () =>
        (await jobRows(server, tenant, jobs)).find((row) => row.status === "processing"),
      );
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
  });
}
