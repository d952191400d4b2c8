import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTenant,
  ingest,
  request,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";

/**
 * Nothing accepted is ever lost: with the API in this process and the Engine's workers in real separate
 * processes, a worker is killed with SIGKILL in the middle of a job; another takes over, and every accepted
 * record ends up stored exactly once. Separate worker processes share jobs through Redis, so that case runs
 * where REDIS_URL is set (CI always sets it); without it, the embedded server itself is killed and restarted.
 */
const bin = fileURLToPath(new URL("../bin/segmento-server.js", import.meta.url));
const BATCHES = 12;
const PER_BATCH = 10_000;

if (process.env.REDIS_URL && process.env.DATABASE_URL) {
  let server: TestServer;
  let tenant: Tenant;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, [bin, "worker"], {
      env: {
        ...process.env,
        DATABASE_URL: server.app.config.databaseUrl,
        REDIS_URL: server.app.config.redisUrl,
        REDIS_PREFIX: server.app.config.redisPrefix,
        BETTER_AUTH_SECRET: server.app.config.authSecret,
        ENCRYPTION_KEY: server.app.config.encryptionKey,
        FILE_STORE_DIR: server.app.config.fileStoreDir,
        WORKER_LOCK_MS: "2000",
        WORKER_CONCURRENCY: "1",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    server = await startTestServer({ segmentationDebounceMs: 60_000 }, process.env, { workers: false });
    tenant = await createTenant(server, "Durable");
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    await server.close();
  });

  describe("a worker killed mid-job", () => {
    it("loses nothing: another worker finishes every job and each record is stored exactly once", async () => {
      const first = startWorker();
      const accepted = [];
      for (let b = 0; b < BATCHES; b++) {
        const records = Array.from({ length: PER_BATCH }, (_, i) => ({
          customer_id: `d${(b * PER_BATCH + i) % 5000}`,
          order_date: "2026-05-01",
          amount: (i % 90) + 1,
          order_id: `B${b}-${i}`,
        }));
        accepted.push(await ingest(server, tenant, records, { batch_id: `batch-${b}` }));
      }
      const db = server.app.db.knex;
      // Follow the last batch live from this (API) process while other processes do the work.
      const last = accepted.at(-1)!.job_id;
      const live = fetch(`${server.url}/api/engine/jobs/${last}/progress/stream`, {
        headers: { cookie: tenant.cookie },
      }).then((res) => res.text());
      // Wait until the first worker is inside a job, then kill it without warning.
      const deadline = Date.now() + 30_000;
      while (!(await db("jobs").where({ project_id: tenant.projectId, status: "processing" }).first())) {
        if (Date.now() > deadline) throw new Error("the first worker never started a job");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first.kill("SIGKILL");
      await new Promise((resolve) => first.once("exit", resolve));
      const interrupted = await db("jobs")
        .where({ project_id: tenant.projectId, status: "processing" })
        .pluck("id");
      expect(interrupted.length).toBeGreaterThan(0);

      startWorker();
      const settled = await Promise.all(accepted.map((a) => waitForJob(server, tenant, a.job_id, 90_000)));
      expect(settled.map((j) => j.status)).toEqual(Array(BATCHES).fill("completed"));
      expect(settled.some((j) => j.attempts > 1 || interrupted.includes(j.job_id))).toBe(true);
      const stream = await live;
      expect(stream).toContain(`"job_id":"${last}","status":"completed"`);

      const total = await db("transactions")
        .where({ project_id: tenant.projectId })
        .count<{ count: number }[]>({ count: "*" });
      expect(Number(total[0]!.count)).toBe(BATCHES * PER_BATCH);
      const distinct = await db("transactions")
        .where({ project_id: tenant.projectId })
        .countDistinct<{ count: number }[]>({ count: "order_id" });
      expect(Number(distinct[0]!.count)).toBe(BATCHES * PER_BATCH);
      const files = await db("files").where({ project_id: tenant.projectId }).select("status", "row_count");
      expect(files).toHaveLength(BATCHES);
      for (const file of files) expect(file).toEqual({ status: "completed", row_count: PER_BATCH });
      const purchases = await db("customers")
        .where({ project_id: tenant.projectId })
        .sum<{ sum: number }[]>({ sum: "purchase_count" });
      expect(Number(purchases[0]!.sum)).toBe(BATCHES * PER_BATCH);
    }, 120_000);
  });
} else {
  // Embedded mode: one process holds the database and runs the jobs; killing it mid-job and starting it
  // again on the same data directory must finish every job with each record stored once.
  describe("an embedded server killed mid-job", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "segmento-durable-"));
    let child: ChildProcess | undefined;
    afterAll(() => child?.kill("SIGKILL"));

    let output = "";
    async function start(): Promise<string> {
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
      child = spawn(process.execPath, [bin, "start"], {
        env: {
          ...env,
          PORT: "0",
          SEGMENTO_DATA_DIR: dataDir,
          TRUSTED_ORIGINS: TEST_ORIGIN,
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      return new Promise((resolve, reject) => {
        let buffer = "";
        child!.stdout!.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          output += chunk.toString();
          const line = buffer.split("\n").find((l) => l.includes("Segmento listening on"));
          if (line) resolve(JSON.parse(line).url);
        });
        child!.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
      });
    }

    it("loses nothing: after a restart every job completes and each record is stored exactly once", async () => {
      let base = await start();
      const signUp = await request(base, "/api/auth/sign-up/email", {
        body: { name: "Durable", email: "durable@example.com", password: "a-long-passphrase" },
      });
      const cookie = (signUp.headers.getSetCookie() ?? []).map((c) => c.split(";")[0]).join("; ");
      const org = await request(base, "/api/organizations", { body: { name: "Durable" }, cookie });
      await request(base, `/api/organizations/${org.body.id}`, { method: "GET", cookie });
      const project = await request(base, `/api/organizations/${org.body.id}/projects`, {
        body: { name: "P" },
        cookie,
      });
      const key = await request(base, `/api/projects/${project.body.id}/api-keys`, {
        body: { name: "k" },
        cookie,
      });
      const batches = 6;
      const perBatch = 10_000;
      const jobs: string[] = [];
      for (let b = 0; b < batches; b++) {
        const records = Array.from({ length: perBatch }, (_, i) => ({
          customer_id: `e${i % 1000}`,
          order_date: "2026-05-01",
          amount: 1,
          order_id: `B${b}-${i}`,
        }));
        const res = await request(base, "/api/v1/ingest", {
          body: { project_id: project.body.id, records },
          headers: { authorization: `Bearer ${key.body.key}` },
        });
        expect(res.status).toBe(202);
        jobs.push(res.body.job_id);
      }
      // Kill the server at once, while it is still working through the batches.
      child!.kill("SIGKILL");
      await new Promise((resolve) => child!.once("exit", resolve));

      base = await start();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const statuses = await Promise.all(
          jobs.map(
            async (id) => (await request(base, `/api/engine/jobs/${id}/status`, { cookie })).body.status,
          ),
        );
        if (statuses.every((s) => s === "completed")) break;
        if (Date.now() > deadline)
          throw new Error(`jobs did not complete after the restart: ${statuses.join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The restarted server found work the killed one had not finished, and ran it again.
      const requeued = output.split("\n").find((l) => l.includes("unfinished jobs enqueued again"));
      expect(requeued, "the kill left no unfinished job").toBeDefined();
      expect(JSON.parse(requeued!).requeued).toBeGreaterThan(0);
      const files = await request(base, `/api/projects/${project.body.id}/files?limit=100`, { cookie });
      expect(files.body.total).toBe(batches);
      for (const file of files.body.files)
        expect(file).toMatchObject({ status: "completed", rowCount: perBatch });
    }, 120_000);
  });
}
