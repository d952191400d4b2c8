/**
 * npm run bench:project-delete — deleting a project of 50,000 customers (about 20 transactions each, with its
 * segments, memberships, embeddings and scores) through the API, against the baseline of one raw
 * `DELETE FROM projects` cascading over the same data, both measured in this run on two identical projects.
 * Needs DATABASE_URL (the shops are loaded with COPY).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/segmento_bench CUSTOMERS=50000 npm run bench:project-delete
 */

import { predictProject } from "../server/src/domain/pipeline/predict-project.js";
import type { Progress } from "../server/src/domain/pipeline/progress.js";
import { segmentProject } from "../server/src/domain/pipeline/segment-project.js";
import { benchServer, engineStage, loadSyntheticShop } from "./harness.js";

const customers = Number(process.env.CUSTOMERS ?? 50_000);
const noReport: Progress = async () => {};

async function main() {
  const bench = await benchServer();
  const { server, call, cookie } = bench;
  const db = server.app.db.knex;
  try {
    const organizationId = (await db("projects").where({ id: bench.projectId }).first()).organization_id;
    const second = await call(
      `/api/organizations/${organizationId}/projects`,
      { name: "Baseline" },
      { cookie },
    );
    const projects = { api: bench.projectId, baseline: String(second.json.id) };
    for (const [name, projectId] of Object.entries(projects)) {
      const started = performance.now();
      const transactions = await loadSyntheticShop(server.app, projectId, customers);
      await segmentProject(...engineStage(server.app, projectId), noReport);
      await predictProject(...engineStage(server.app, projectId), noReport);
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      console.log(`${name}: ${customers} customers, ${transactions} transactions, scored in ${seconds} s`);
    }
    const rows = async (projectId: string) =>
      Number((await db("customers").where({ project_id: projectId }).count({ n: "*" }).first())?.n);
    console.log(`customers per project: ${await rows(projects.api)} / ${await rows(projects.baseline)}`);

    // Baseline: one statement, the foreign keys' cascades do all the work.
    let started = performance.now();
    await db("projects").where({ id: projects.baseline }).delete();
    const baselineMs = performance.now() - started;

    // Segmento: the API answers 202 with a job; the project is deleted when that job completes.
    started = performance.now();
    const res = await fetch(`${server.url}/api/projects/${projects.api}`, {
      method: "DELETE",
      headers: { cookie, origin: "http://localhost:5173" },
    });
    const accepted = (await res.json()) as { job_id: string };
    if (res.status !== 202)
      throw new Error(`deleteProject answered ${res.status}: ${JSON.stringify(accepted)}`);
    let status = "queued";
    while (!["completed", "failed"].includes(status)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const job = await call(`/api/engine/jobs/${accepted.job_id}/status`, undefined, { cookie });
      status = job.json.status ?? "unknown";
    }
    const apiMs = performance.now() - started;
    if (status !== "completed") throw new Error("the delete job failed");
    if ((await rows(projects.api)) !== 0) throw new Error("customers were left behind");

    console.log(`\ndeleting a project of ${customers.toLocaleString("en-US")} customers:`);
    console.log(`  raw DELETE FROM projects (cascade), baseline  ${(baselineMs / 1000).toFixed(2)} s`);
    console.log(`  DELETE /api/projects/{id} until its job ends   ${(apiMs / 1000).toFixed(2)} s`);
    console.log(`  ratio API / baseline: ${(apiMs / baselineMs).toFixed(2)}x`);
    console.log(`command: DATABASE_URL=... CUSTOMERS=${customers} npm run bench:project-delete`);
  } finally {
    await server.close();
  }
}

// No process.exit: the bench ends when every server, queue and client it opened is closed.
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
