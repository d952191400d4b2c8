import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../src/queue/queue.js";
import { cliArgs, sharedEnvironment } from "./helpers/cli.js";
import {
  createTenant,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
  waitForRun,
} from "./helpers/test-server.js";
import { receiver } from "./helpers/webhook-receiver.js";

/**
 * The job system from outside: a job exists exactly when what caused it committed, reaches the queue even when
 * the queue was away at that moment, runs once however often it is handed over, and scheduled automations
 * fire from the real workers. With REDIS_URL the workers are a separate `segmento-server worker` process.
 */
const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);

let server: TestServer;
let tenant: Tenant;
let worker: ChildProcess | undefined;
const hooks = receiver();
let hooksUrl: string;

beforeAll(async () => {
  hooksUrl = await hooks.start();
  server = await startTestServer(
    { segmentationDebounceMs: 100, webhookAllowHosts: [new URL(hooksUrl).host] },
    process.env,
    { workers: !services },
  );
  if (services) {
    const config = server.app.config;
    worker = spawn(process.execPath, cliArgs("worker"), {
      env: {
        ...sharedEnvironment(config),
        WEBHOOK_ALLOW_HOSTS: config.webhookAllowHosts.join(","),
        SEGMENTATION_DEBOUNCE_MS: "100",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  tenant = await createTenant(server, "Jobs");
  await setPlan(server, tenant.orgId, "pro");
});
afterAll(async () => {
  worker?.kill("SIGTERM");
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await hooks.stop();
});

const records = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    customer_id: `${prefix}${i}`,
    order_date: "2026-05-01",
    amount: i + 1,
  }));

describe("recording and handing over jobs", () => {
  it("accepts a batch while the queue is away; the job reaches it later and runs", async () => {
    const queue: JobQueue = server.app.queue;
    const enqueue = queue.enqueue;
    queue.enqueue = async () => {
      throw new Error("the queue is away");
    };
    let accepted: Awaited<ReturnType<typeof ingest>>;
    try {
      accepted = await ingest(server, tenant, records("away-", 5));
      const row = await server.app.db.knex("jobs").where({ id: accepted.job_id }).first();
      expect(row).toMatchObject({ status: "queued", enqueued_at: null });
    } finally {
      queue.enqueue = enqueue;
    }
    // Nobody calls anything: the workers' relay hands the recorded job over once the queue answers again.
    const job = await waitForJob(server, tenant, accepted.job_id, 120_000);
    expect(job).toMatchObject({ status: "completed", attempts: 1 });
    const row = await server.app.db.knex("jobs").where({ id: accepted.job_id }).first();
    expect(row.enqueued_at).not.toBeNull();
  });

  it("runs a job once however often it is handed over", async () => {
    const accepted = await ingest(server, tenant, records("twice-", 5));
    await waitForJob(server, tenant, accepted.job_id, 120_000);
    // As if the process died between handing the job over and noting it: the relay hands it over again.
    await server.app.db.knex("jobs").where({ id: accepted.job_id }).update({ enqueued_at: null });
    await server.app.jobs.handOver(accepted.job_id);
    const again = await server.app.db.knex("jobs").where({ id: accepted.job_id }).first();
    expect(again.enqueued_at).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const job = await waitForJob(server, tenant, accepted.job_id);
    expect(job.attempts).toBe(1);
    const stored = await server.app.db
      .knex("transactions")
      .where({ file_id: accepted.file_id })
      .count("* as n")
      .first();
    expect(Number(stored?.n)).toBe(5);
  });

  it("never runs a job whose transaction rolled back", async () => {
    const db = server.app.db.knex;
    let recorded: string | undefined;
    await expect(
      db.transaction(async (trx) => {
        recorded = await server.app.jobs.record(trx, {
          type: "segmentation",
          payload: { projectId: tenant.projectId },
        });
        throw new Error("what caused the job failed");
      }),
    ).rejects.toThrow("what caused the job failed");
    expect(recorded).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await db("jobs").where({ id: recorded }).first()).toBeUndefined();
  });
});

describe("scheduled automations", () => {
  it("fire from the real workers: a one-minute schedule starts a run with deliveries, nobody calls a function", async () => {
    const shop = await ingest(
      server,
      tenant,
      Array.from({ length: 40 }, (_, i) => ({
        customer_id: `sched-${i}`,
        order_date: `2026-0${1 + (i % 5)}-1${i % 10}`,
        amount: 10 + i,
      })),
    );
    const run = await waitForRun(server, tenant, shop.run_id);
    expect(run.status).toBe("completed");
    const segment = await server.app.db
      .knex("segments")
      .where({ project_id: tenant.projectId, kind: "cluster" })
      .first();
    expect(segment, "the pipeline made segments").toBeDefined();
    const integration = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
      body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
      cookie: tenant.cookie,
    });
    const automation = await server.request(`/api/projects/${tenant.projectId}/automations`, {
      body: {
        name: "Every minute",
        segmentId: segment!.id,
        integrationId: integration.body.id,
        holdoutPct: 0,
        trigger: { type: "schedule", cron: "* * * * *" },
        template: { body: "Hi {{customer_id}}" },
      },
      cookie: tenant.cookie,
    });
    expect(automation.status).toBe(201);
    // The next minute boundary plus one tick of the workers (every 20 s), with room for a busy machine.
    const deadline = Date.now() + 180_000;
    let started: { job_id: string } | undefined;
    while (!started && Date.now() < deadline) {
      started = await server.app.db
        .knex("automation_runs")
        .where({ automation_id: automation.body.id })
        .first();
      if (!started) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(started, "a scheduled run started").toBeDefined();
    const job = await waitForJob(server, tenant, started!.job_id, 120_000);
    expect(job.status).toBe("completed");
    const deliveries = await server.request(`/api/automations/${automation.body.id}/deliveries`, {
      cookie: tenant.cookie,
    });
    expect(deliveries.body.total).toBeGreaterThan(0);
    expect(deliveries.body.deliveries.every((d: { status: string }) => d.status === "delivered")).toBe(true);
    await server.request(`/api/automations/${automation.body.id}`, {
      method: "PATCH",
      body: { status: "paused" },
      cookie: tenant.cookie,
    });
  }, 600_000);
});
