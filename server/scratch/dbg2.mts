import { listScheduledAutomations } from "../src/db/automations.ts";
import { runDueSchedules } from "../src/domain/automations/scheduler.ts";
import { createTenant, ingest, setPlan, startTestServer, waitForJob } from "../test/helpers/test-server.ts";

const server = await startTestServer({ webhookAllowHosts: ["127.0.0.1:9"], segmentationDebounceMs: 100 });
const t = await createTenant(server, "S");
await setPlan(server, t.orgId, "pro");
const shop = await ingest(
  server,
  t,
  Array.from({ length: 40 }, (_, i) => ({
    customer_id: `s-${i}`,
    order_date: `2026-0${1 + (i % 5)}-1${i % 10}`,
    amount: 10 + i,
  })),
);
await waitForJob(server, t, shop.job_id);
await new Promise((r) => setTimeout(r, 8000));
const segment = await server.app.db.knex("segments").where({ project_id: t.projectId }).first();
const integ = await server.request(`/api/projects/${t.projectId}/integrations`, {
  body: { channel: "custom_webhook", name: "C", config: { url: "http://127.0.0.1:9/h" } },
  cookie: t.cookie,
});
console.log("integ", integ.status, integ.text.slice(0, 200));
const a = await server.request(`/api/projects/${t.projectId}/automations`, {
  body: {
    name: "E",
    segmentId: segment.id,
    integrationId: integ.body.id,
    holdoutPct: 0,
    trigger: { type: "schedule", cron: "* * * * *" },
    template: { body: "Hi {{customer_id}}" },
  },
  cookie: t.cookie,
});
console.log("auto", a.status, JSON.stringify(a.body).slice(0, 300));
console.log("scheduled", (await listScheduledAutomations(server.app.db.knex)).length);
for (let i = 0; i < 16; i++) {
  await new Promise((r) => setTimeout(r, 5000));
  console.log(new Date().toISOString(), (await server.app.db.knex("automation_runs")).length);
}
console.log(
  server.logs
    .filter((l) => l.includes('"level":40') || l.includes('"level":50'))
    .slice(0, 5)
    .join("\n")
    .slice(0, 3000),
);
await server.close();
