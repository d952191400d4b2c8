import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, startTestServer, type Tenant, type TestServer } from "./helpers/test-server.js";

/** A stand-in for a provider's API on loopback: records requests, answers as told. */
function fakeProvider() {
  const requests: { method: string; path: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  let answer = { status: 200, body: "{}" as string };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(answer.body);
    });
  });
  return {
    requests,
    answer: (status: number, body: unknown) => {
      answer = { status, body: JSON.stringify(body) };
    },
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SENDGRID_KEY = "SG.test-key-0123456789.abcdefghijklmnopqrstuvwxyz0123456789";
let server: TestServer;
let tenant: Tenant;
const sendgrid = fakeProvider();
const hooks = fakeProvider();
let hooksUrl: string;

beforeAll(async () => {
  const sendgridUrl = await sendgrid.start();
  hooksUrl = await hooks.start();
  server = await startTestServer({
    providerBaseUrls: { sendgrid: sendgridUrl },
    webhookAllowHosts: [new URL(hooksUrl).host],
  });
  tenant = await createTenant(server, "Channels");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
  await sendgrid.stop();
  await hooks.stop();
});

const base = () => `/api/projects/${tenant.projectId}/integrations`;

describe("integrations", () => {
  it("keep credentials write-only: [REDACTED] on every read, encrypted at rest, never logged", async () => {
    const created = await server.request(base(), {
      body: {
        channel: "sendgrid",
        name: "Newsletter",
        config: { apiKey: SENDGRID_KEY, fromEmail: "news@acme.example" },
      },
      cookie: tenant.cookie,
    });
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual({ apiKey: "[REDACTED]", fromEmail: "news@acme.example" });
    const read = await server.request(`/api/integrations/${created.body.id}`, { cookie: tenant.cookie });
    const list = await server.request(base(), { cookie: tenant.cookie });
    for (const text of [created.text, read.text, list.text]) expect(text).not.toContain(SENDGRID_KEY);
    const row = await server.app.db.knex("integrations").where({ id: created.body.id }).first();
    expect(row.secrets).toMatch(/^v1\./);
    const tables = await server.app.db
      .knex("information_schema.tables")
      .where({ table_schema: "public", table_type: "BASE TABLE" })
      .pluck("table_name");
    for (const table of tables) {
      const hits = await server.app.db.knex.raw(
        `select count(*)::int as n from "${table}" t where t::text like ?`,
        ["%test-key-0123456789%"],
      );
      expect(hits.rows[0].n, table).toBe(0);
    }
    // A PATCH without the key keeps it: the test call below still authenticates.
    const renamed = await server.request(`/api/integrations/${created.body.id}`, {
      method: "PATCH",
      body: { name: "Newsletter (EU)", config: { fromName: "Acme" } },
      cookie: tenant.cookie,
    });
    expect(renamed.body).toMatchObject({
      name: "Newsletter (EU)",
      config: { apiKey: "[REDACTED]", fromName: "Acme" },
    });
    sendgrid.answer(200, { scopes: ["mail.send"] });
    const ok = await server.request(`/api/integrations/${created.body.id}/test`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, providerStatus: 200 });
    expect(sendgrid.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SENDGRID_KEY}`);
    expect(server.logs.join("\n")).not.toContain(SENDGRID_KEY);
  });

  it("answer 422 with the provider's reason when the test call fails", async () => {
    const created = await server.request(base(), {
      body: { channel: "sendgrid", name: "Wrong key", config: { apiKey: "SG.wrong" } },
      cookie: tenant.cookie,
    });
    sendgrid.answer(401, {
      errors: [{ field: null, message: "The provided authorization grant is invalid, expired, or revoked" }],
    });
    const res = await server.request(`/api/integrations/${created.body.id}/test`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "integration_test_failed", provider: { status: 401 } });
    expect(res.body.error).toContain("authorization grant is invalid");
    expect(res.text).not.toContain("SG.wrong");
  });

  it("give a custom webhook a whsec_ signing secret, shown once and rotatable", async () => {
    const created = await server.request(base(), {
      body: { channel: "custom_webhook", name: "CRM", config: { url: `${hooksUrl}/segmento` } },
      cookie: tenant.cookie,
    });
    expect(created.status).toBe(201);
    expect(created.body.signingSecret).toMatch(/^whsec_/);
    expect(created.body.config).toEqual({ url: `${hooksUrl}/segmento`, signingSecret: "[REDACTED]" });
    const rotated = await server.request(`/api/integrations/${created.body.id}/rotate-secret`, {
      method: "POST",
      cookie: tenant.cookie,
    });
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.signingSecret).not.toBe(created.body.signingSecret);
    const logs = server.logs.join("\n");
    for (const secret of [created.body.signingSecret, rotated.body.signingSecret]) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice("whsec_".length));
    }
    const read = await server.request(`/api/integrations/${created.body.id}`, { cookie: tenant.cookie });
    expect(read.text).not.toContain(rotated.body.signingSecret.slice("whsec_".length));
    const notWebhook = (await server.request(base(), { cookie: tenant.cookie })).body.integrations.find(
      (i: { channel: string }) => i.channel === "sendgrid",
    );
    expect(
      (
        await server.request(`/api/integrations/${notWebhook.id}/rotate-secret`, {
          method: "POST",
          cookie: tenant.cookie,
        })
      ).status,
    ).toBe(400);
  });

  it("refuse webhook URLs into private networks when saved", async () => {
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.5/hook",
      "http://[::1]/",
      "http://2130706433/",
    ]) {
      const res = await server.request(base(), {
        body: { channel: "custom_webhook", name: "Bad", config: { url } },
        cookie: tenant.cookie,
      });
      expect(res.status, url).toBe(400);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.details[0].field).toBe("config.url");
    }
  });
});
