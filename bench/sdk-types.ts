/**
 * npm run bench:sdk-types — what @segmento/sdk's declarations cost a consumer: `tsc --noEmit` with
 * `skipLibCheck: false` on a one-file project that imports the package and makes a few calls, against a baseline
 * project (same tsconfig) whose one file imports nothing, measured in the same run, for the two setups users
 * have: a Node project (@types/node, lib ES2022) and a browser or edge app (no @types/node, lib ES2022 + DOM).
 * The package is built fresh (sdk/scripts/build.mjs, as `npm pack` ships it) into the projects' node_modules; prints the
 * declaration files' sizes, each round's wall and CPU times, per setup the median baseline (the floor: tsc, the
 * libs and @types/node, with no SDK), what the SDK adds and the total against the 2 s target, and tsc's own
 * counters (types, instantiations, memory), which do not depend on how busy the machine is.
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
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { browserConsumerTsconfig, nodeConsumerTsconfig } from "../sdk/test/node-consumer.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SDK = path.join(ROOT, "sdk");
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** The issue's target for a one-file consumer with skipLibCheck false. */
const TARGET_MS = 2000;

const SETUPS = [
  { key: "node", name: "Node project (@types/node, lib ES2022)", tsconfig: nodeConsumerTsconfig },
  {
    key: "browser",
    name: "browser/edge app (no @types/node, lib ES2022 + DOM)",
    tsconfig: browserConsumerTsconfig,
  },
];

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

function project(dir: string, source: string, tsconfig: (file: string) => string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "index.mts"), source);
  writeFileSync(path.join(dir, "tsconfig.json"), tsconfig("index.mts"));
  return dir;
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
  // All projects share one node_modules: the package as shipped, its dependency and @types/node.
  const modules = path.join(work, "node_modules");
  const installed = path.join(modules, "@segmento", "sdk");
  mkdirSync(installed, { recursive: true });
  copyFileSync(path.join(SDK, "package.json"), path.join(installed, "package.json"));
  execFileSync(process.execPath, [path.join(SDK, "scripts/build.mjs"), path.join(installed, "dist")], {
    cwd: SDK,
    stdio: "ignore",
  });
  for (const name of ["openapi-fetch", "openapi-typescript-helpers", "@types"]) {
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name), "dir");
  }
  const declarations = readdirSync(path.join(installed, "dist")).filter((f) => /\.d\.[cm]?ts$/.test(f));
  const kb = (file: string) => (statSync(path.join(installed, "dist", file)).size / 1024).toFixed(0);
  console.log(`declarations: ${declarations.map((f) => `${f} ${kb(f)} kB`).join(", ")}`);

  const setups = SETUPS.map((setup) => ({
    ...setup,
    baseline: project(path.join(work, `${setup.key}-baseline`), BASELINE, setup.tsconfig),
    consumer: project(path.join(work, `${setup.key}-consumer`), CONSUMER, setup.tsconfig),
  }));
  const hook = path.join(work, "cpu-hook.cjs");
  writeFileSync(hook, CPU_HOOK);
  type Check = ReturnType<typeof typeCheck>;
  const rounds = new Map(setups.map((setup) => [setup.key, [] as { baseline: Check; consumer: Check }[]]));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (let round = 1; round <= ROUNDS; round++) {
    // Interleaved, so a burst of load on the machine hits every project alike.
    for (const setup of setups) {
      const baseline = typeCheck(setup.baseline, hook);
      const consumer = typeCheck(setup.consumer, hook);
      rounds.get(setup.key)?.push({ baseline, consumer });
      console.log(
        `round ${round}, ${setup.key}: baseline ${s(baseline.ms)} (CPU ${s(baseline.cpuMs)}), consumer ${s(consumer.ms)} (CPU ${s(consumer.cpuMs)})`,
      );
    }
  }
  for (const setup of setups) {
    const measured = rounds.get(setup.key) ?? [];
    console.log(`\n${setup.name}:`);
    for (const key of ["ms", "cpuMs"] as const) {
      const b = median(measured.map((r) => r.baseline[key]));
      const c = median(measured.map((r) => r.consumer[key]));
      console.log(
        `  median ${key === "ms" ? "wall" : "CPU"} time: baseline (the floor) ${s(b)}, consumer ${s(c)}: ` +
          `the SDK adds ${s(c - b)}, ratio ${(c / b).toFixed(2)}x the baseline; total ${s(c)} is ` +
          `${c < TARGET_MS ? "under" : "over"} the ${s(TARGET_MS)} target (the floor alone is ${b < TARGET_MS ? "under" : "over"} it)`,
      );
    }
    const counters = measured.at(-1);
    if (!counters) continue;
    for (const key of ["types", "instantiations", "memoryKb"] as const) {
      const [base, used] = [counters.baseline[key], counters.consumer[key]];
      console.log(
        `  ${key}: baseline ${base}, consumer ${used}: the SDK adds ${used - base}, ratio ${(used / base).toFixed(2)}x`,
      );
    }
  }
  // Wall times depend on how busy the machine was: the load average says how much to trust them.
  const load = loadavg().map((average) => average.toFixed(1));
  console.log(`\nload average (1, 5, 15 min): ${load.join(", ")}`);
  console.log(`command: ROUNDS=${ROUNDS} npm run bench:sdk-types`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
