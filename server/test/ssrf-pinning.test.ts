import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../src/synthetic/shop.js";
import { type Provider, startProvider } from "./channels/provider-server.js";
import {
  createTenant,
  ingest,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
  waitForRun,
} from "./helpers/test-server.js";

/**
 * DNS as an attacker who controls a name plays it: the first answer passes the check, any later answer points
 * somewhere else. Injected into the server (config.hostLookup), so no test touches real DNS.
 */
const NAME = "hooks.rebind.test";
let answers: string[][] = [];
const lookups: string[] = [];
const hostLookup = async (host: string) => {
  lookups.push(host);
  if (host !== NAME) throw new Error("ENOTFOUND");
  return answers.length > 1 ? (answers.shift() ?? []) : (answers[0] ?? []);
};

let server: TestServer;
let tenant: Tenant;
let provider: Provider;
/** Listens on the port the provider uses, on another loopback address: where a rebound name would lead. */
let decoy: Server;
const decoyHits: string[] = [];
let port: number;

beforeAll(async () => {
  provider = await startProvider();
  port = Number(new URL(provider.url).port);
  decoy = createServer((req, res) => {
    decoyHits.push(req.url ?? "");
    res.end("ok");
  });
  await new Promise<void>((resolve) => decoy.listen(port, "127.0.0.2", resolve));
  // Only the provider's address and port is allowed (development allow-list by address).
  server = await startTestServer({
    webhookAllowHosts: [`127.0.0.1:${port}`],
    hostLookup,
    segmentationDebounceMs: 200,
  });
  tenant = await createTenant(server, "Rebinding");
}, 120_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await provider.close();
  decoy.closeAllConnections();
  await new Promise<void>((resolve) => decoy.close(() => resolve()));
});

async function slackIntegration() {
  answers = [["127.0.0.1"]];
  const created = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
    body: {
      channel: "slack",
      name: "Alerts",
      config: { webhookUrl: `http://${NAME}:${port}/services/T/B/x` },
    },
    cookie: tenant.cookie,
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

const testCall = (id: string) =>
  server.request(`/api/integrations/${id}/test`, { method: "POST", cookie: tenant.cookie });

describe("webhook calls connect to exactly the addresses that were checked", () => {
  it("a name that answers differently on the second lookup still reaches the checked address, looked up once", async () => {
    const id = await slackIntegration();
    provider.reset();
    lookups.length = 0;
    // The check sees the allowed address; a second lookup (at connect time) would lead to the decoy.
    answers = [["127.0.0.1"], ["127.0.0.2"]];
    const tested = await testCall(id);
    expect(tested.status, tested.text).toBe(200);
    expect(lookups).toEqual([NAME]);
    expect(provider.requests.map((r) => r.path)).toEqual(["/services/T/B/x"]);
    expect(decoyHits).toEqual([]);
  });

  it("a name rebound to a private address is refused at the next call, and nothing is sent", async () => {
    const id = await slackIntegration();
    provider.reset();
    answers = [["10.0.0.5"]];
    const tested = await testCall(id);
    expect(tested.status).toBe(400);
    expect(tested.body.details[0]).toMatchObject({ field: "config.webhookUrl", rule: "public_url" });
    expect(tested.body.details[0].message).toContain("10.0.0.5");
    // The reason names the host, never the URL: a Slack URL carries its token.
    expect(tested.text).not.toContain("/services/T/B/x");
    expect(provider.requests).toEqual([]);
    expect(decoyHits).toEqual([]);
  });
});

describe("automation deliveries connect to exactly the addresses checked before sending", () => {
  let automationId: string;

  beforeAll(async () => {
    const shop = await ingest(server, tenant, syntheticShop({ customers: 40, seed: 5, campaign: null }));
    expect((await waitForRun(server, tenant, shop.run_id)).status).toBe("completed");
    const segment = await server.app.db.knex("segments").where({ project_id: tenant.projectId }).first();
    // Saved while the name answers with the allowed address.
    answers = [["127.0.0.1"]];
    const integration = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
      body: { channel: "custom_webhook", name: "CRM", config: { url: `http://${NAME}:${port}/hooks` } },
      cookie: tenant.cookie,
    });
    expect(integration.status, integration.text).toBe(201);
    const automation = await server.request(`/api/projects/${tenant.projectId}/automations`, {
      body: {
        name: "Rebound",
        segmentId: segment.id,
        integrationId: integration.body.id,
        holdoutPct: 0,
        trigger: { type: "manual" },
        template: { body: "Hi {{customer_id}}" },
      },
      cookie: tenant.cookie,
    });
    expect(automation.status, automation.text).toBe(201);
    automationId = automation.body.id;
  }, 300_000);

  const run = async () => {
    const started = await server.request(`/api/automations/${automationId}/run`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(started.status, started.text).toBe(202);
    return waitForJob(server, tenant, started.body.job_id, 240_000);
  };

  it("a name rebound to a private address after saving is refused at delivery: nothing is sent, anywhere", async () => {
    provider.reset();
    decoyHits.length = 0;
    lookups.length = 0;
    answers = [["10.0.0.5"]];
    const job = await run();
    expect(job.status).toBe("failed");
    expect(job.error_message).toContain("10.0.0.5");
    // Looked up again at delivery (the save-time answer is not trusted), and refused before any connection.
    expect(lookups.length).toBeGreaterThan(0);
    expect(provider.requests).toEqual([]);
    expect(decoyHits).toEqual([]);
    const deliveries = await server.request(`/api/automations/${automationId}/deliveries?limit=100`, {
      cookie: tenant.cookie,
    });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.deliveries.filter((d: { status: string }) => d.status === "delivered")).toEqual(
      [],
    );
  }, 300_000);

  it("a name that answers differently at connect time still delivers only to the checked address", async () => {
    provider.reset();
    decoyHits.length = 0;
    lookups.length = 0;
    // The check before sending sees the allowed address; any later lookup would lead to the decoy.
    answers = [["127.0.0.1"], ["127.0.0.2"]];
    const job = await run();
    expect(job.status).toBe("completed");
    expect(provider.requests.length).toBeGreaterThan(0);
    expect(new Set(provider.requests.map((r) => r.path))).toEqual(new Set(["/hooks"]));
    expect(decoyHits).toEqual([]);
    // One lookup per sending pass, whatever the number of deliveries.
    expect(lookups).toEqual([NAME]);
  }, 300_000);
});
