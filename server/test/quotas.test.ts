import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLANS } from "../src/billing/plans.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import {
  addMember,
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  signUp,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";
import { receiver } from "./helpers/webhook-receiver.js";

/**
 * Every quota at its boundary, through the API: limit - 1 passes, the limit is refused with 429
 * `quota_exceeded` and its figures, and nothing of the refused request is stored. Segmentation is held back
 * (a long debounce) so only the runs a test asks for happen.
 */
let server: TestServer;
const hooks = receiver();
let hooksUrl: string;
const free = PLANS[0].limits;
const GB = 1024 ** 3;

beforeAll(async () => {
  hooksUrl = await hooks.start();
  server = await startTestServer({
    stripe: undefined,
    segmentationDebounceMs: 3_600_000,
    webhookAllowHosts: [new URL(hooksUrl).host],
  });
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await hooks.stop();
});

const db = () => server.app.db.knex;
const purchase = (customer: string, amount = 10) => ({
  customer_id: customer,
  order_date: "2026-05-01",
  amount,
});

async function send(t: Tenant, records: Record<string, unknown>[]) {
  return server.request("/api/v1/ingest", {
    body: { project_id: t.projectId, records },
    headers: { authorization: `Bearer ${t.apiKey}` },
  });
}

async function ingested(t: Tenant, records: Record<string, unknown>[]) {
  const job = await ingest(server, t, records);
  const settled = await waitForJob(server, t, job.job_id, 180_000);
  expect(settled.status).toBe("completed");
}

const fileCount = async (t: Tenant) =>
  Number((await db()("files").where({ project_id: t.projectId }).count({ n: "*" }))[0]?.n);

/** A completed file already counted against the plan, standing for earlier uploads. */
async function earlierFile(t: Tenant, file: { rows: number; bytes: number }) {
  await db()("files").insert({
    project_id: t.projectId,
    name: "earlier.csv",
    source: "api",
    format: "csv",
    storage_key: `${t.projectId}/earlier.csv`,
    size_bytes: file.bytes,
    row_count: file.rows,
    status: "completed",
  });
}

function expectRefused(
  res: { status: number; body: Record<string, unknown> },
  quota: Record<string, unknown>,
) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.code).toBe("quota_exceeded");
  expect(res.body.quota).toMatchObject({ plan: "free", ...quota });
  expect(String((res.body.quota as { upgradeUrl: string }).upgradeUrl)).toMatch(
    /^\/api\/organizations\/.+\/checkout$/,
  );
}

describe("quotas at their boundary (free plan)", () => {
  it("rows: up to the limit passes, one row past it is refused and nothing is stored", async () => {
    const t = await createTenant(server, "Rows");
    await earlierFile(t, { rows: free.rows - 2, bytes: 100 });
    await ingested(t, [purchase("R-1")]); // limit - 1
    await ingested(t, [purchase("R-2")]); // exactly the limit
    const before = await fileCount(t);
    expectRefused(await send(t, [purchase("R-3")]), { metric: "rows", used: free.rows, limit: free.rows });
    expect(await fileCount(t)).toBe(before);
  }, 300_000);

  it("storage: a batch that fits passes, one that does not is refused and nothing is stored", async () => {
    const t = await createTenant(server, "Storage");
    const limitBytes = (free.storageGb as number) * GB;
    await earlierFile(t, { rows: 1, bytes: limitBytes - 200 });
    await ingested(t, [purchase("S-1")]); // a ~60-byte CSV fits in the last 200 bytes
    const before = await fileCount(t);
    const big = Array.from({ length: 10 }, (_, i) => purchase(`S-${i}`));
    const refused = await send(t, big);
    expectRefused(refused, { metric: "storageGb", limit: free.storageGb });
    expect(refused.body.quota.used).toBeGreaterThan((free.storageGb as number) - 1e-6);
    expect(await fileCount(t)).toBe(before);
  }, 300_000);

  it("customer profiles: the batch that would pass the limit is refused whole; existing customers still take data", async () => {
    const t = await createTenant(server, "Profiles");
    const limit = free.profiles as number;
    await ingested(
      t,
      Array.from({ length: limit - 1 }, (_, i) => purchase(`P-${i}`)),
    );
    // limit - 1 profiles: one more new customer (with data for an existing one) passes and makes the limit.
    await ingested(t, [purchase("P-0", 5), purchase("P-new")]);
    const customers = () => db()("customers").where({ project_id: t.projectId }).count({ n: "*" });
    expect(Number((await customers())[0]?.n)).toBe(limit);
    const before = await fileCount(t);
    const refused = await send(t, [purchase("P-1", 7), purchase("P-newer"), purchase("P-newest")]);
    expectRefused(refused, { metric: "profiles", used: limit, limit });
    expect(refused.body.error).toContain("2 new customer profiles");
    expect(await fileCount(t)).toBe(before);
    expect(await db()("transactions").where({ project_id: t.projectId, customer_key: "P-newer" })).toEqual(
      [],
    );
    // Over the limit, data for existing customers is still accepted: existing data stays usable.
    await ingested(t, [purchase("P-2", 9)]);
    expect(Number((await customers())[0]?.n)).toBe(limit);
  }, 300_000);

  it("customer profiles under concurrency: batches sent at once cannot together pass the limit", async () => {
    const t = await createTenant(server, "Profiles at once");
    const limit = free.profiles as number;
    await ingested(
      t,
      Array.from({ length: limit - 10 }, (_, i) => purchase(`Q-${i}`)),
    );
    // Room for 10 more: each batch brings 6 new customers, so one fits and no two do. Checked one at a time
    // before anything is stored, each batch alone would see room and all four would be accepted (5,014).
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 6 }, (_, i) => purchase(`Q-new-${b}-${i}`)),
    );
    const answers = await Promise.all(batches.map((records) => send(t, records)));
    const accepted = answers.filter((res) => res.status === 202);
    const refused = answers.filter((res) => res.status !== 202);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const res of refused) {
      expectRefused(res, { metric: "profiles", limit });
      expect((res.body.quota as { used: number }).used).toBe(limit - 10 + 6);
    }
    for (const res of accepted) {
      const settled = await waitForJob(server, t, String(res.body.job_id), 180_000);
      expect(settled.status).toBe("completed");
    }
    const customers = await db()("customers").where({ project_id: t.projectId }).count({ n: "*" });
    expect(Number(customers[0]?.n)).toBe(limit - 10 + 6);
    // Nothing of the refused batches was stored, and the completed file holds no reservation any more.
    expect(await fileCount(t)).toBe(2);
    const after = await send(t, [purchase("Q-last-1"), purchase("Q-last-2"), purchase("Q-last-3")]);
    expect(after.status, JSON.stringify(after.body)).toBe(202);
  }, 300_000);

  it("team seats: invitations up to the plan's seats, then 429; nothing is created", async () => {
    const solo = await createTenant(server, "Solo");
    const invite = (t: Tenant, email: string) =>
      server.request(`/api/organizations/${t.orgId}/invitations`, {
        body: { email, role: "member" },
        cookie: t.cookie,
      });
    expectRefused(await invite(solo, "one@example.com"), { metric: "teamSeats", used: 1, limit: 1 });
    expect(await db()("invitation").where({ organizationId: solo.orgId })).toEqual([]);

    const team = await createTenant(server, "Team");
    await setPlan(server, team.orgId, "starter");
    const seats = PLANS[1].limits.teamSeats as number;
    for (let i = 0; i < seats - 2; i++) await addMember(server, team, "member", `Mate ${i}`);
    expect((await invite(team, "last-seat@example.com")).status).toBe(201); // limit - 1 taken: passes
    const refused = await invite(team, "no-seat@example.com");
    expect(refused.status).toBe(429);
    expect(refused.body.quota).toMatchObject({
      metric: "teamSeats",
      used: seats,
      limit: seats,
      plan: "starter",
    });
  }, 300_000);

  it("automations: activating one past the plan's is refused; pausing frees a slot", async () => {
    const t = await createTenant(server, "Automations");
    await ingested(t, [purchase("A-1", 2000), purchase("A-2", 30)]);
    const segment = await server.request(`/api/engine/projects/${t.projectId}/segments`, {
      body: {
        name: "Big",
        kind: "rule",
        rules: [{ field: "rfm_monetary", op: "range", min: 1000, max: 50000 }],
      },
      cookie: t.cookie,
    });
    expect(segment.status, segment.text).toBe(201);
    const hook = await server.request(`/api/projects/${t.projectId}/integrations`, {
      body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
      cookie: t.cookie,
    });
    expect(hook.status, hook.text).toBe(201);
    const make = (status: "active" | "paused") =>
      server.request(`/api/projects/${t.projectId}/automations`, {
        body: {
          name: `A ${Math.random()}`,
          segmentId: segment.body.id,
          integrationId: hook.body.id,
          trigger: { type: "manual" },
          template: { body: "Hi" },
          status,
        },
        cookie: t.cookie,
      });
    const limit = free.automations as number;
    for (let i = 0; i < limit; i++) expect((await make("active")).status).toBe(201);
    const count = async () =>
      Number((await db()("automations").where({ project_id: t.projectId }).count({ n: "*" }))[0]?.n);
    const refused = await make("active");
    expectRefused(refused, { metric: "automations", used: limit, limit });
    expect(await count()).toBe(limit);
    const paused = await make("paused");
    expect(paused.status).toBe(201);
    const activate = await server.request(`/api/automations/${paused.body.id}`, {
      method: "PATCH",
      body: { status: "active" },
      cookie: t.cookie,
    });
    expectRefused(activate, { metric: "automations", used: limit, limit });
  }, 300_000);
});

describe("usage", () => {
  it("equals the docs' definitions after ingests, an upload, the model runs they start and invitations", async () => {
    // Its own server, where segmentation follows ingest as in production.
    const live = await startTestServer({ stripe: undefined, segmentationDebounceMs: 200 });
    try {
      const t = await createTenant(live, "Usage");
      await setPlan(live, t.orgId, "pro");
      const job = await ingest(live, t, syntheticShop({ customers: 40, seed: 3, campaign: null }));
      await followPipeline(live, t, job.job_id, 240_000);
      const form = new FormData();
      form.set(
        "file",
        new Blob(["customer_id,order_date,amount\nU-3,2026-05-02,4\nU-4,2026-05-03,9\n"]),
        "more.csv",
      );
      const uploaded = await fetch(`${live.url}/api/projects/${t.projectId}/files`, {
        method: "POST",
        body: form,
        headers: { cookie: t.cookie, origin: TEST_ORIGIN },
      });
      expect(uploaded.status).toBe(202);
      await followPipeline(live, t, ((await uploaded.json()) as { job_id: string }).job_id, 240_000);
      await addMember(live, t, "admin", "Second");
      const invitee = await signUp(live, "Pending");
      const invited = await live.request(`/api/organizations/${t.orgId}/invitations`, {
        body: { email: invitee.email, role: "member" },
        cookie: t.cookie,
      });
      expect(invited.status).toBe(201);

      const usage = await live.request(`/api/organizations/${t.orgId}/usage`, { cookie: t.cookie });
      expect(usage.status).toBe(200);
      // The docs' definitions, straight from the tables.
      const knex = live.app.db.knex;
      const files = await knex("files").where({ project_id: t.projectId });
      const rows = files.filter((f) => f.status === "completed").reduce((n, f) => n + f.row_count, 0);
      const bytes = files.reduce((n, f) => n + Number(f.size_bytes), 0);
      const profiles = await knex("customers").where({ project_id: t.projectId });
      const modelRuns = await knex("model_runs").where({ organization_id: t.orgId, kind: "segmentation" });
      const now = new Date();
      const pro = PLANS[2].limits;
      expect(usage.body).toEqual({
        plan: "pro",
        period: {
          start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
          end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
        },
        data: {
          rows: { used: rows, limit: pro.rows },
          profiles: { used: profiles.length, limit: pro.profiles },
          automations: { used: 0, limit: pro.automations },
          modelRuns: { used: modelRuns.length, limit: pro.modelRuns },
          genaiOps: { used: 0, limit: pro.genaiOps },
          storageGb: { used: bytes / GB, limit: pro.storageGb },
          teamSeats: { used: 2, limit: pro.teamSeats },
        },
      });
      expect(profiles.length).toBeGreaterThan(40);
      expect(modelRuns.length).toBeGreaterThanOrEqual(1);
      expect(live.app.contractViolations).toEqual([]);
    } finally {
      await live.close();
    }
  }, 600_000);
});
