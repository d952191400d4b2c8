import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, type OperationSpec } from "../src/http/contract.js";
import { operations } from "../src/operations/index.js";
import {
  addMember,
  createTenant,
  followPipeline,
  ingest,
  setPlan,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

/**
 * Tenancy, proven by enumeration: every operation of the contract that takes an id is called by a user (and,
 * where allowed, with an API key) of another organization, with organization A's real ids and a valid body.
 * Each must answer 404 (or 403 where the docs say so) and reveal nothing of A. Operations added to the spec
 * are covered without editing this test; an id kind it cannot fill fails it, so fixtures keep up.
 */
const contract = new Contract();
const implemented = new Set<string>(operations.map((o) => o.id));
const withIds = contract.operations.filter(
  (op) => op.handledBy === "router" && op.parameters.some((p) => p.in === "path"),
);

let server: TestServer;
let a: Tenant;
let b: Tenant;
const ids: Record<string, string> = {};
let secrets: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  a = await createTenant(server, "Alice");
  b = await createTenant(server, "Bob");
  await setPlan(server, a.orgId, "pro");
  const member = await addMember(server, a, "member", "Alice Colleague");
  const invite = await server.request(`/api/organizations/${a.orgId}/invitations`, {
    body: { email: "pending@example.com", role: "member" },
    cookie: a.cookie,
  });
  const batch = await ingest(server, a, [
    { customer_id: "alice-1", order_date: "2026-05-01", amount: 120, country: "TR" },
    { customer_id: "alice-2", order_date: "2026-05-03", amount: 35.5 },
  ]);
  // Follow the pipeline to its end, so A has segments and scored customers too.
  await followPipeline(server, a, batch.job_id);
  const segment = await server.app.db.knex("segments").where({ project_id: a.projectId }).first();
  const customer = await server.app.db.knex("customers").where({ project_id: a.projectId }).first();
  const integration = await server.request(`/api/projects/${a.projectId}/integrations`, {
    body: { channel: "sendgrid", name: "Alice Mail", config: { apiKey: "SG.alice-secret-key" } },
    cookie: a.cookie,
  });
  const automation = await server.request(`/api/projects/${a.projectId}/automations`, {
    body: {
      name: "Alice Winback",
      segmentId: segment.id,
      integrationId: integration.body.id,
      trigger: { type: "manual" },
      template: { body: "Hi {{customer_id}}" },
    },
    cookie: a.cookie,
  });
  // A delivery of A's, written directly: running the automation would call the provider.
  const [run] = await server.app.db
    .knex("automation_runs")
    .insert({ automation_id: automation.body.id, seed: 1, holdout_pct: 0 })
    .returning("id");
  const [delivery] = await server.app.db
    .knex("deliveries")
    .insert({ automation_id: automation.body.id, run_id: run.id, customer_id: customer.id, status: "dead" })
    .returning("id");
  Object.assign(ids, {
    orgId: a.orgId,
    projectId: a.projectId,
    keyId: a.apiKeyId,
    memberId: member.memberId,
    invitationId: invite.body.id,
    jobId: batch.job_id,
    runId: batch.run_id,
    fileId: batch.file_id,
    segmentId: segment.id,
    customerId: customer.id,
    integrationId: integration.body.id,
    automationId: automation.body.id,
    deliveryId: delivery.id,
  });
  // What must never appear in B's answers: A's names and ids (B's own ids are fine).
  secrets = [
    "Alice Shop",
    "Alice Store",
    "Alice Colleague",
    a.orgId,
    a.projectId,
    a.apiKeyId,
    member.memberId,
  ];
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

function pathFor(op: OperationSpec): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (!id)
      throw new Error(`isolation test has no fixture for path parameter {${name}} of ${op.id}: add one`);
    return id;
  });
}

/** B's answer must hold none of A's names or ids, except the ids B itself put in the path (echoed in a 404). */
function expectNothingOfA(text: string, path: string) {
  for (const secret of secrets) if (!path.includes(secret)) expect(text).not.toContain(secret);
}

async function callAs(op: OperationSpec, credentials: { cookie?: string; authorization?: string }) {
  const body = op.requestExample;
  return server.request(pathFor(op), {
    method: op.method.toUpperCase(),
    ...(body !== undefined ? { body } : {}),
    ...(credentials.cookie ? { cookie: credentials.cookie } : {}),
    headers: credentials.authorization ? { authorization: credentials.authorization } : {},
  });
}

describe("tenant isolation", () => {
  it("covers every operation that takes an id", () => {
    expect(withIds.length).toBeGreaterThan(40);
    console.log(
      `isolation: ${withIds.length} operations take ids; ${withIds.filter((o) => implemented.has(o.id)).length} have handlers`,
    );
  });

  it.each(withIds.map((op) => [op.id, op] as const))(
    "%s: another organization's user learns nothing",
    async (_id, op) => {
      const res = await callAs(op, { cookie: b.cookie });
      if (!implemented.has(op.id)) {
        expect(res.status).toBe(501);
        return;
      }
      expect([403, 404], `${op.id} answered ${res.status}: ${res.text}`).toContain(res.status);
      expectNothingOfA(res.text, pathFor(op));
    },
  );

  it.each(
    withIds.filter((op) => op.security.some((s) => s.includes("apiKey"))).map((op) => [op.id, op] as const),
  )("%s: another organization's API key learns nothing", async (_id, op) => {
    const res = await callAs(op, { authorization: `Bearer ${b.apiKey}` });
    if (!implemented.has(op.id) && res.status === 501) return;
    expect([403, 404], `${op.id} answered ${res.status}: ${res.text}`).toContain(res.status);
    expectNothingOfA(res.text, pathFor(op));
  });

  it.each(
    withIds.filter((op) => op.method === "get" && implemented.has(op.id)).map((op) => [op.id, op] as const),
  )("%s: the owning organization still gets its resource (the control)", async (_id, op) => {
    const res = await callAs(op, { cookie: a.cookie });
    expect(res.status, `${op.id}: ${res.text}`).toBe(200);
  });
});

describe("tenant isolation through filters and segment references", () => {
  it("a filter in B's project never reaches A's customers, whatever it names", async () => {
    const filters = [
      {
        any: [
          { field: "customer_id", op: "eq", value: "alice-1" },
          { field: "id", op: "eq", value: ids.customerId },
        ],
      },
    ];
    const res = await server.request(
      `/api/engine/projects/${b.projectId}/customers?filters=${encodeURIComponent(JSON.stringify(filters))}`,
      { cookie: b.cookie },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customers: [], total: 0 });
    const bySegment = await server.request(
      `/api/engine/projects/${b.projectId}/customers?segment=${ids.segmentId}`,
      {
        cookie: b.cookie,
      },
    );
    expect(bySegment.status).toBe(404);
    const hybrid = await server.request(`/api/engine/projects/${b.projectId}/segments/preview`, {
      body: {
        kind: "hybrid",
        base_segment_id: ids.segmentId,
        rules: [{ field: "abc_category", op: "eq", value: "A" }],
      },
      cookie: b.cookie,
    });
    expect(hybrid.status).toBe(400);
    expectNothingOfA(hybrid.text, ids.segmentId!);
  });
});
