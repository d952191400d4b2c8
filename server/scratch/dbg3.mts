import { createTenant, ingest, setPlan, startTestServer, waitForJob } from "../test/helpers/test-server.ts";

const server = await startTestServer({ segmentationDebounceMs: 100 });
const t = await createTenant(server, "S");
const queue = server.app.queue;
const enqueue = queue.enqueue;
queue.enqueue = async () => {
  throw new Error("away");
};
const acc = await ingest(server, t, [{ customer_id: "a", order_date: "2026-05-01", amount: 1 }]);
queue.enqueue = enqueue;
await waitForJob(server, t, acc.job_id, 60000);
console.log("job done");
const p = await server.request(`/api/organizations/${t.orgId}/projects`, {
  body: { name: "P2" },
  cookie: t.cookie,
});
console.log("created", p.status);
await new Promise((r) => setTimeout(r, 15000));
console.log(
  "projects",
  (await server.app.db.knex("projects")).map((r) => r.name),
);
console.log(
  "txstatus",
  (await server.app.db.knex.raw("select txid_current_if_assigned() as t, now() as n")).rows,
);
await server.close();
