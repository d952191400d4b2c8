import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, startTestServer, type Tenant, type TestServer } from "./helpers/test-server.js";
import { receiver } from "./helpers/webhook-receiver.js";

let server: TestServer;
let tenant: Tenant;
let other: Tenant;
let automationId: string;
const hooks = receiver();

beforeAll(async () => {
  const hooksUrl = await hooks.start();
  server = await startTestServer({ webhookAllowHosts: [new URL(hooksUrl).host] });
  tenant = await createTenant(server, "Reader");
  other = await createTenant(server, "Stranger");
  const segment = await server.request(`/api/engine/projects/${tenant.projectId}/segments`, {
    body: { name: "Everyone big", kind: "rule", rules: [{ field: "rfm_monetary", op: "gte", value: 0 }] },
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(segment.status, segment.text).toBe(201);
  const integration = await server.request(`/api/projects/${tenant.projectId}/integrations`, {
    body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/hooks` } },
    cookie: tenant.cookie,
  });
  const automation = await server.request(`/api/projects/${tenant.projectId}/automations`, {
    body: {
      name: "Win back",
      segmentId: segment.body.id,
      integrationId: integration.body.id,
      trigger: { type: "manual" },
      template: { body: "Hi {{customer_id}}" },
    },
    cookie: tenant.cookie,
  });
  expect(automation.status, automation.text).toBe(201);
  automationId = automation.body.id;
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await hooks.stop();
});

const withKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe("automation reads with the project API key, like the engine's reads", () => {
  it("list, get and the delivery log accept the key of the automation's project", async () => {
    const key = withKey(tenant.apiKey);
    const list = await server.request(`/api/projects/${tenant.projectId}/automations`, key);
    expect(list.status, list.text).toBe(200);
    expect(list.body.automations.map((a: { id: string }) => a.id)).toContain(automationId);
    expect((await server.request(`/api/automations/${automationId}`, key)).status).toBe(200);
    const deliveries = await server.request(`/api/automations/${automationId}/deliveries`, key);
    expect(deliveries.status, deliveries.text).toBe(200);
    expect(deliveries.body.deliveries).toEqual([]);
  });

  it("another project's key sees nothing, and changes still need a session", async () => {
    const stranger = withKey(other.apiKey);
    expect((await server.request(`/api/automations/${automationId}/deliveries`, stranger)).status).toBe(404);
    expect((await server.request(`/api/automations/${automationId}`, stranger)).status).toBe(404);
    const run = await server.request(`/api/automations/${automationId}/run`, {
      method: "POST",
      ...withKey(tenant.apiKey),
    });
    expect(run.status).toBe(401);
  });
});
