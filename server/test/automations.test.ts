import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawHoldout } from "../src/domain/automations/holdout.js";
import { runDueSchedules } from "../src/domain/automations/scheduler.js";
import { jobRunner } from "../src/jobs/runner.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";
import { receiver, webhookContractProblems } from "./helpers/webhook-receiver.js";

const schedulerDeps = () => ({ db: server.app.db.knex, jobs: server.app.jobs });

let server: TestServer;
let tenant: Tenant;
const hooks = receiver();
let hooksUrl: string;
let integrationId: string;
let signingSecret: string;
let segmentId: string;

beforeAll(async () => {
  hooksUrl = await hooks.start();
  server = await startTestServer({
    segmentationDebounceMs: 100,
    webhookAllowHosts: [new URL(hooksUrl).host],
  });
  tenant = await createTenant(server, "Automator");
  await setPlan(server, tenant.orgId, "pro");
  const job = await ingest(server, tenant, syntheticShop({ customers: 300, seed: 9, campaign: null }));
  await followPipeline(server, tenant, job.job_id);
  const integration = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
    body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
    cookie: tenant.cookie,
  });
  integrationId = integration.body.id;
  signingSecret = integration.body.signingSecret;
  segmentId = (
    await server.app.db
      .knex("segments")
      .where({ project_id: tenant.projectId, kind: "cluster" })
      .orderBy("name")
      .first()
  ).id;
}, 120_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await hooks.stop();
});

const create = (body: Record<string, unknown>) =>
  server.request(`/api/projects/${tenant.projectId}/automations`, {
    body: {
      name: "Win back",
      segmentId,
      integrationId,
      trigger: { type: "manual" },
      template: { body: "Hi {{customer_id}}, from {{segment_label}}" },
      ...body,
    },
    cookie: tenant.cookie,
  });

describe("automations", () => {
  it("start scheduled automations once per matching minute, however many workers tick", async () => {
    hooks.received.length = 0;
    const scheduled = await create({
      name: "Mondays",
      holdoutPct: 0,
      trigger: { type: "schedule", cron: "0 9 * * 1" },
    });
    expect(scheduled.status).toBe(201);
    const monday = new Date("2026-11-30T09:00:20Z");
    const ticks = await Promise.all([
      runDueSchedules(schedulerDeps(), monday),
      runDueSchedules(schedulerDeps(), monday),
    ]);
    expect(ticks[0]! + ticks[1]!).toBe(1);
    expect(await runDueSchedules(schedulerDeps(), new Date("2026-11-30T09:01:00Z"))).toBe(0);
    const run = await server.app.db
      .knex("automation_runs")
      .where({ automation_id: scheduled.body.id })
      .first();
    await waitForJob(server, tenant, run.job_id, 60_000);
    expect(hooks.received.length).toBeGreaterThan(0);
    await server.request(`/api/automations/${scheduled.body.id}`, {
      method: "PATCH",
      body: { status: "paused" },
      cookie: tenant.cookie,
    });
  }, 60_000);

  it("split the holdout within 2 points of the setting on 10,000 customers, reproducibly", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `c-${i}`);
    for (const pct of [10, 25]) {
      const held = drawHoldout(ids, 12345, pct);
      expect(Math.abs((held.size / ids.length) * 100 - pct)).toBeLessThan(2);
      expect(drawHoldout(ids, 12345, pct)).toEqual(held);
    }
  });

  it("run: contact every treated member once over a signed webhook, never the holdout, and record both as exposures", async () => {
    hooks.received.length = 0;
    const automation = await create({ holdoutPct: 20 });
    expect(automation.status).toBe(201);
    const run = await server.request(`/api/automations/${automation.body.id}/run`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(run.status).toBe(202);
    const job = await waitForJob(server, tenant, run.body.job_id, 60_000);
    expect(job.status).toBe("completed");
    const members = await server.app.db
      .knex("customers")
      .where({ project_id: tenant.projectId, segment_id: segmentId })
      .pluck("customer_key");
    const { members: count, held_out: heldOut } = job.result;
    expect(count).toBe(members.length);
    expect(heldOut).toBeGreaterThan(0);
    const exposures = await server.app.db
      .knex("campaign_exposures")
      .where({ project_id: tenant.projectId, campaign_id: automation.body.id });
    expect(exposures).toHaveLength(members.length);
    const control = new Set(exposures.filter((e) => e.group === "control").map((e) => e.customer_key));
    expect(control.size).toBe(heldOut);
    const contacted = hooks.received.map((r) => JSON.parse(r.body).data.customer.customer_id as string);
    expect(contacted).toHaveLength(members.length - heldOut);
    expect(new Set(contacted).size).toBe(contacted.length);
    for (const id of contacted) expect(control.has(id)).toBe(false);
    // Standard Webhooks signature over "id.timestamp.body" with the integration's secret.
    const first = hooks.received[0]!;
    const key = Buffer.from(signingSecret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${first.id}.${first.timestamp}.${first.body}`)
      .digest("base64");
    expect(first.signature.split(" ")).toContain(`v1,${expected}`);
    expect(JSON.parse(first.body).data.customer.customer_id).toBeDefined();
    // What the channel sent is what the contract's webhooks section (and so the SDK's type) says.
    for (const delivery of hooks.received) {
      expect(webhookContractProblems(server.app.contract, delivery.body)).toEqual([]);
    }
    const deliveries = await server.request(
      `/api/automations/${automation.body.id}/deliveries?limit=100&status=delivered`,
      { cookie: tenant.cookie },
    );
    expect(deliveries.body.total).toBe(members.length - heldOut);
  }, 60_000);

  it("test the integration with a segmento.test delivery the contract describes", async () => {
    hooks.received.length = 0;
    const test = await server.request(`/api/integrations/${integrationId}/test`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(test.status).toBe(200);
    expect(hooks.received).toHaveLength(1);
    const delivery = hooks.received[0]!;
    expect(delivery.id).toMatch(/^msg_test_/);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: "segmento.test", data: {} });
    expect(webhookContractProblems(server.app.contract, delivery.body)).toEqual([]);
    // A payload the contract does not describe is caught: the check can fail.
    const drifted = JSON.stringify({ ...JSON.parse(delivery.body), data: { surprise: true } });
    expect(webhookContractProblems(server.app.contract, drifted)).not.toEqual([]);
  });

  it("retry 5xx until delivered, give up on a 400 with the provider's answer, and redeliver on request", async () => {
    hooks.received.length = 0;
    hooks.attempts.clear();
    let rejected = "";
    hooks.script((customerId, attempt) => {
      if (!rejected) rejected = customerId;
      if (customerId === rejected) return 400;
      return attempt === 1 ? 503 : 200;
    });
    const automation = await create({ holdoutPct: 0, name: "Retries" });
    const run = await server.request(`/api/automations/${automation.body.id}/run`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    await waitForJob(server, tenant, run.body.job_id, 60_000);
    const dead = await server.request(`/api/automations/${automation.body.id}/deliveries?status=dead`, {
      cookie: tenant.cookie,
    });
    expect(dead.body.total).toBe(1);
    expect(dead.body.deliveries[0]).toMatchObject({ providerStatus: 400, attempts: 1 });
    const delivered = await server.request(
      `/api/automations/${automation.body.id}/deliveries?status=delivered&limit=100`,
      { cookie: tenant.cookie },
    );
    expect(delivered.body.deliveries.every((d: { attempts: number }) => d.attempts === 2)).toBe(true);
    hooks.script(() => 200);
    const again = await server.request(`/api/deliveries/${dead.body.deliveries[0].id}/redeliver`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(again.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const row = await server.app.db.knex("deliveries").where({ id: dead.body.deliveries[0].id }).first();
      if (row.status === "delivered") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const redelivered = await server.app.db
      .knex("deliveries")
      .where({ id: dead.body.deliveries[0].id })
      .first();
    expect(redelivered.status).toBe("delivered");
    const twice = await server.request(`/api/deliveries/${redelivered.id}/redeliver`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(twice.status).toBe(409);
    const perCustomer = new Map<string, number>();
    for (const r of hooks.received) {
      const id = JSON.parse(r.body).data.customer.customer_id as string;
      perCustomer.set(id, (perCustomer.get(id) ?? 0) + 1);
    }
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it("send nobody twice when a run's job runs again (a retry after a crash)", async () => {
    hooks.received.length = 0;
    const automation = await create({ holdoutPct: 0, name: "Once" });
    const run = await server.request(`/api/automations/${automation.body.id}/run`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    await waitForJob(server, tenant, run.body.job_id, 60_000);
    const sent = hooks.received.length;
    // The same job delivered again, as a queue does after a worker dies: deliveries are unique per run and
    // delivered ones are never resent.
    await server.app.db.knex("jobs").where({ id: run.body.job_id }).update({ status: "queued" });
    await jobRunner(server.app)({ id: run.body.job_id, type: "automation_run", attempt: 2, maxAttempts: 5 });
    expect((await waitForJob(server, tenant, run.body.job_id)).status).toBe("completed");
    expect(hooks.received.length).toBe(sent);
  }, 60_000);

  it("check references, placeholders and the plan's active automations", async () => {
    expect((await create({ template: { body: "Hi {{password}}" } })).status).toBe(400);
    expect((await create({ segmentId: "00000000-0000-4000-8000-000000000000" })).status).toBe(400);
    const badCron = await create({ trigger: { type: "schedule", cron: "61 9 * * 1" } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.details[0].field).toBe("trigger.cron");
    const small = await createTenant(server, "Free");
    const job = await ingest(server, small, syntheticShop({ customers: 60, seed: 1, campaign: null }));
    await followPipeline(server, small, job.job_id);
    const hook = await server.request(`/api/projects/${small.projectId}/integrations`, {
      body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
      cookie: small.cookie,
    });
    const segment = (await server.app.db.knex("segments").where({ project_id: small.projectId }).first()).id;
    const make = () =>
      server.request(`/api/projects/${small.projectId}/automations`, {
        body: {
          name: "A",
          segmentId: segment,
          integrationId: hook.body.id,
          trigger: { type: "manual" },
          template: { body: "Hi" },
        },
        cookie: small.cookie,
      });
    expect((await make()).status).toBe(201);
    expect((await make()).status).toBe(201);
    const third = await make();
    expect(third.status).toBe(429);
    expect(third.body.code).toBe("quota_exceeded");
  }, 60_000);
});
