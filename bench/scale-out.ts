/**
 * npm run bench:scale-out — scale-out across worker processes on one Redis: the pipelines (ingest, segmentation,
 * predictive, action) of four projects, run by one `segmento-server worker` process and then by two, with the
 * API in this process. Prints each wall time and the throughput ratio measured in the same run. Needs the real
 * services; builds the server first (the workers run the compiled build).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/segmento_test REDIS_URL=redis://127.0.0.1:6379 \
 *     CUSTOMERS=2000 npm run bench:scale-out
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { syntheticShop } from "../server/src/synthetic/shop.js";
import { sharedEnvironment } from "../server/test/helpers/cli.js";
import { benchServer } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROJECTS = 4;
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 2000);

type Bench = Awaited<ReturnType<typeof benchServer>>;

function startWorker(bench: Bench): Promise<ChildProcess> {
  const config = bench.server.app.config;
  const child = spawn(process.execPath, ["server/dist/cli.js", "worker"], {
    cwd: ROOT,
    env: {
      ...sharedEnvironment(config),
      SEGMENTATION_DEBOUNCE_MS: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Segmento worker running")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`a worker exited with ${code}`)));
  });
}

async function stopWorker(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Four new projects in the bench organization, each with an API key. */
async function newProjects(bench: Bench, label: string) {
  const orgs = await fetch(`${bench.server.url}/api/organizations`, {
    headers: { cookie: bench.cookie, origin: "http://localhost:5173" },
  }).then((r) => r.json() as Promise<{ organizations: { id: string }[] }>);
  const orgId = orgs.organizations[0]!.id;
  const projects = [];
  for (let i = 0; i < PROJECTS; i++) {
    const project = await bench.call(
      `/api/organizations/${orgId}/projects`,
      { name: `${label} ${i}` },
      { cookie: bench.cookie },
    );
    const key = await bench.call(
      `/api/projects/${project.json.id}/api-keys`,
      { name: "bench" },
      { cookie: bench.cookie },
    );
    projects.push({ id: String(project.json.id), apiKey: String(key.json.key) });
  }
  return projects;
}

/** Sends every project's shop and waits for all four runs; returns the wall time in seconds. */
async function pipelines(bench: Bench, workers: number): Promise<number> {
  const projects = await newProjects(bench, `${workers} worker(s)`);
  const children = [];
  for (let i = 0; i < workers; i++) children.push(await startWorker(bench));
  try {
    const started = performance.now();
    const runs = await Promise.all(
      projects.map(async (project, i) => {
        const records = syntheticShop({ customers: CUSTOMERS, seed: 100 + i });
        let runId = "";
        for (let at = 0; at < records.length; at += 10_000) {
          const last = at + 10_000 >= records.length;
          const res = await bench.call(
            "/api/v1/ingest",
            {
              project_id: project.id,
              records: records.slice(at, at + 10_000),
              ...(runId && { run_id: runId }),
              final: last,
            },
            { authorization: `Bearer ${project.apiKey}` },
          );
          if (res.status !== 202) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.json)}`);
          runId ||= res.json.run_id ?? "";
        }
        return runId;
      }),
    );
    for (;;) {
      const statuses = await Promise.all(
        runs.map(
          async (runId) =>
            (await bench.call(`/api/engine/runs/${runId}`, undefined, { cookie: bench.cookie })).json.status,
        ),
      );
      if (statuses.some((s) => s === "failed")) throw new Error(`a run failed: ${statuses.join(", ")}`);
      if (statuses.every((s) => s === "completed")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all(children.map(stopWorker));
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error("bench:scale-out shares queues between processes: set DATABASE_URL and REDIS_URL");
  execFileSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
  const bench = await benchServer({ segmentationDebounceMs: 0 }, { workers: false });
  try {
    console.log(`${PROJECTS} projects x ${CUSTOMERS.toLocaleString("en-US")} customers, whole pipelines`);
    const one = await pipelines(bench, 1);
    console.log(
      `1 worker process:  ${one.toFixed(1)} s (${((PROJECTS / one) * 60).toFixed(1)} pipelines/min)`,
    );
    const two = await pipelines(bench, 2);
    console.log(
      `2 worker processes: ${two.toFixed(1)} s (${((PROJECTS / two) * 60).toFixed(1)} pipelines/min)`,
    );
    console.log(`throughput 2 workers / 1 worker: x${(one / two).toFixed(2)}`);
  } finally {
    await bench.server.close();
  }
}

await main();
