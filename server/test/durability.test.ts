import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliArgs, sharedEnvironment } from "./helpers/cli.js";
import {
  createTenant,
  ingest,
  request,
  setPlan,
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
const BATCHES = 12;
const PER_BATCH = 10_000;

if (process.env.REDIS_URL && process.env.DATABASE_URL) {
  let server: TestServer;
  let tenant: Tenant;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, cliArgs("worker"), {
      env: {
        ...sharedEnvironment(server.app.config),
        WORKER_LOCK_MS: "2000",
        WORKER_CONCURRENCY: "1",
        WEBHOOK_ALLOW_HOSTS: server.app.config.webhookAllowHosts.join(","),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    workers.push(child);
    return child;
  }

  // A customer's webhook endpoint, slow enough that a run is still sending when its worker is killed.
  const received: string[] = [];
  const hooks = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      setTimeout(() => {
        received.push(JSON.parse(body).data.customer.customer_id);
        res.writeHead(200).end("{}");
      }, 40);
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
    const hooksHost = `127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    server = await startTestServer(
      { segmentationDebounceMs: 60_000, webhookAllowHosts: [hooksHost] },
      process.env,
      {
        workers: false,
      },
    );
    tenant = await createTenant(server, "Durable");
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    await server.close();
    hooks.close();
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
      // Generous: a worker process starting on a loaded 2-core machine can take a minute before its first job.
      const deadline = Date.now() + 300_000;
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

  describe("a delivery worker killed mid-run", () => {
    it("sends no customer twice: deliveries cut off while sending are not resent blindly", async () => {
      for (const worker of workers) worker.kill("SIGKILL");
      const t = await createTenant(server, "Deliveries");
      await setPlan(server, t.orgId, "pro");
      const records = Array.from({ length: 150 }, (_, i) => ({
        customer_id: `k${i}`,
        order_date: "2026-05-01",
        amount: 10 + i,
      }));
      const first = startWorker();
      await waitForJob(server, t, (await ingest(server, t, records)).job_id, 60_000);
      // Scored customers without waiting for the Engine: this test is about deliveries.
      await server.app.db
        .knex("customers")
        .where({ project_id: t.projectId })
        .update({ rfm_recency_days: 0, rfm_frequency: 1, rfm_monetary: 1, return_rate: 0 });
      const segment = await server.request(`/api/engine/projects/${t.projectId}/segments`, {
        body: { name: "Everyone", kind: "rule", rules: [{ field: "rfm_recency_days", op: "gte", value: 0 }] },
        cookie: t.cookie,
      });
      const hookUrl = `http://${server.app.config.webhookAllowHosts[0]}/hooks`;
      const integration = await server.request(`/api/projects/${t.projectId}/integrations`, {
        body: { channel: "custom_webhook", name: "CRM", config: { url: hookUrl } },
        cookie: t.cookie,
      });
      const automation = await server.request(`/api/projects/${t.projectId}/automations`, {
        body: {
          name: "All",
          segmentId: segment.body.id,
          integrationId: integration.body.id,
          trigger: { type: "manual" },
          template: { body: "Hi {{customer_id}}" },
          holdoutPct: 0,
        },
        cookie: t.cookie,
      });
      const run = await server.request(`/api/automations/${automation.body.id}/run`, {
        method: "POST",
        cookie: t.cookie,
      });
      const deadline = Date.now() + 30_000;
      while (received.length < 20) {
        if (Date.now() > deadline) throw new Error("the run never started sending");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first.kill("SIGKILL");
      await new Promise((resolve) => first.once("exit", resolve));
      startWorker();
      const job = await waitForJob(server, t, run.body.job_id, 90_000);
      expect(job.status).toBe("completed");
      const counts = new Map<string, number>();
      for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const deliveries = await server.app.db.knex("deliveries").where({ run_id: run.body.run_id });
      expect(deliveries).toHaveLength(150);
      const delivered = deliveries.filter((d) => d.status === "delivered").length;
      const interrupted = deliveries.filter(
        (d) => d.status === "failed" && /interrupted/.test(d.last_error ?? ""),
      );
      expect(delivered + interrupted.length).toBe(150);
      expect(delivered).toBeGreaterThanOrEqual(received.length - interrupted.length);
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
      child = spawn(process.execPath, cliArgs("start"), {
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
    }, 300_000);
  });
}
