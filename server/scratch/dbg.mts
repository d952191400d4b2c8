import { syntheticShop } from "../src/synthetic/shop.ts";
import { createTenant, ingest, startTestServer, waitForJob } from "../test/helpers/test-server.ts";

const server = await startTestServer();
const t = await createTenant(server, "X");
const job = await ingest(server, t, syntheticShop({ customers: 100, seed: 7 }));
console.log(JSON.stringify(await waitForJob(server, t, job.job_id)));
console.log(
  server.logs
    .filter((l) => l.includes('"level":50') || l.includes('"level":40'))
    .slice(0, 3)
    .join("\n")
    .slice(0, 3000),
);
await server.close();
