/**
 * npm run bench:sdk-types — what @segmento/sdk's declarations cost a consumer: `tsc --noEmit` with
 * `skipLibCheck: false` on a one-file Node project that imports the package and makes a few calls, against a
 * baseline project (same tsconfig and @types/node) whose one file imports nothing, measured in the same run.
 * The package is built fresh (tsup, as `npm pack` ships it) into a consumer's node_modules; prints the
 * declaration files' sizes, each round's wall times and the median difference and ratio, and tsc's own counters
 * (types, instantiations, memory), which do not depend on how busy the machine is.
 *
 *   ROUNDS=3 npm run bench:sdk-types
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nodeConsumerTsconfig } from "../sdk/test/node-consumer.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SDK = path.join(ROOT, "sdk");
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** The consumer: a client, a filtered list, a typed job result, ingest waiting for its run, a webhook. */
const CONSUMER = `import { filter, Segmento, webhooks } from "@segmento/sdk";

const segmento = new Segmento();

export async function main(projectId: string, body: string, headers: Record<string, string>): Promise<string> {
  const page = await segmento.customers.list(projectId, { filters: [filter.field("churn_risk").eq("high")] });
  const names: string[] = page.customers.map((customer) => customer.customer_id);
  const job = await segmento.jobs.status(names[0] ?? "");
  if (job.type === "segmentation" && job.result) console.log(job.result.k);
  const records = [{ customer_id: "C-1", order_date: "2026-05-01", amount: 1 }];
  const run = await segmento.ingest.send(projectId, records, { wait: "run" });
  const event = await webhooks.verify(body, headers);
  return event.type === "segment.message" ? event.data.text : run.status;
}
`;
const BASELINE = `export function main(projectId: string): string {
  return projectId.toUpperCase();
}
`;

function project(dir: string, source: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "index.mts"), source);
  writeFileSync(path.join(dir, "tsconfig.json"), nodeConsumerTsconfig("index.mts"));
}

const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
/** Prints the process's CPU time at exit: on a shared machine it says more than the wall time. */
const CPU_HOOK = `process.on("exit", () => { const { user, system } = process.cpuUsage(); process.stderr.write("cpu-ms " + Math.round((user + system) / 1000) + "\\n"); });`;

/** One `tsc --extendedDiagnostics`: wall and CPU time, and the compiler's own counters (the same on any machine). */
function typeCheck(dir: string, hook: string) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--require", hook, tsc, "-p", dir, "--extendedDiagnostics"], {
    cwd: dir,
    encoding: "utf8",
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`tsc failed in ${dir}:\n${result.stdout}${result.stderr}`);
  const count = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(result.stdout)?.[1] ?? Number.NaN);
  return {
    ms,
    cpuMs: Number(/cpu-ms (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN),
    types: count("Types"),
    instantiations: count("Instantiations"),
    memoryKb: count("Memory used"),
  };
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const work = mkdtempSync(path.join(tmpdir(), "segmento-sdk-types-"));
try {
  // Both projects share one node_modules: the package as shipped, its dependency and @types/node.
  const modules = path.join(work, "node_modules");
  const installed = path.join(modules, "@segmento", "sdk");
  mkdirSync(installed, { recursive: true });
  copyFileSync(path.join(SDK, "package.json"), path.join(installed, "package.json"));
  execFileSync("npx", ["tsup", "--out-dir", path.join(installed, "dist")], { cwd: SDK, stdio: "ignore" });
  for (const name of ["openapi-fetch", "openapi-typescript-helpers", "@types"]) {
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name), "dir");
  }
  const declarations = readdirSync(path.join(installed, "dist")).filter((f) => /\.d\.[cm]?ts$/.test(f));
  const kb = (file: string) => (statSync(path.join(installed, "dist", file)).size / 1024).toFixed(0);
  console.log(`declarations: ${declarations.map((f) => `${f} ${kb(f)} kB`).join(", ")}`);

  project(path.join(work, "consumer"), CONSUMER);
  project(path.join(work, "baseline"), BASELINE);
  const hook = path.join(work, "cpu-hook.cjs");
  writeFileSync(hook, CPU_HOOK);
  const rounds: { baseline: ReturnType<typeof typeCheck>; consumer: ReturnType<typeof typeCheck> }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const baseline = typeCheck(path.join(work, "baseline"), hook);
    const consumer = typeCheck(path.join(work, "consumer"), hook);
    rounds.push({ baseline, consumer });
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `round ${round}: baseline ${s(baseline.ms)} (CPU ${s(baseline.cpuMs)}), consumer ${s(consumer.ms)} (CPU ${s(consumer.cpuMs)})`,
    );
  }
  for (const key of ["ms", "cpuMs"] as const) {
    const b = median(rounds.map((r) => r.baseline[key]));
    const c = median(rounds.map((r) => r.consumer[key]));
    console.log(
      `median ${key === "ms" ? "wall" : "CPU"} time: baseline ${(b / 1000).toFixed(2)} s, consumer ${(c / 1000).toFixed(2)} s: ` +
        `the SDK adds ${((c - b) / 1000).toFixed(2)} s, ratio ${(c / b).toFixed(2)}x the baseline`,
    );
  }
  const counters = rounds.at(-1)!;
  for (const key of ["types", "instantiations", "memoryKb"] as const) {
    const [base, used] = [counters.baseline[key], counters.consumer[key]];
    console.log(
      `${key}: baseline ${base}, consumer ${used}: the SDK adds ${used - base}, ratio ${(used / base).toFixed(2)}x`,
    );
  }
  console.log(`command: ROUNDS=${ROUNDS} npm run bench:sdk-types`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
