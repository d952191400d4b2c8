/**
 * npm run bench:engine — synthetic shops of 10k, 100k and 1M customers (about 10 transactions each) through the
 * whole segmentation + predictive pipeline; prints the time and peak memory of each stage and of the whole, so
 * growth with size is visible. Each size runs in its own process (clean memory peaks). Uses DATABASE_URL /
 * REDIS_URL when set (the real services), else the embedded default.
 *
 *   SIZES=10000,100000 npm run bench:engine
 */
import os from "node:os";
import { fileURLToPath } from "node:url";
import { predictProject } from "../server/src/domain/pipeline/predict-project.js";
import type { Progress } from "../server/src/domain/pipeline/progress.js";
import { segmentProject } from "../server/src/domain/pipeline/segment-project.js";
import { benchServer, engineStage, loadSyntheticShop } from "./harness.js";
import { runSizeInChildProcess, sizeArgument } from "./sizes.js";

interface StageFigure {
  stage: string;
  ms: number;
  /** CPU time of this process (all its threads; not PostgreSQL's): what contention from other work does not inflate. */
  cpuMs: number;
  peakRssMb: number;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

/** Runs one shop size and prints its figures as one JSON line. */
async function runSize(customers: number) {
  const { server, projectId } = await benchServer({}, { workers: false });
  const figures: StageFigure[] = [];
  let peak = rssMb();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 25);
  const stage = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    peak = rssMb();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await work();
    const used = process.cpuUsage(cpu);
    figures.push({
      stage: name,
      ms: Math.round(performance.now() - started),
      cpuMs: Math.round((used.user + used.system) / 1000),
      peakRssMb: Math.max(peak, rssMb()),
    });
    return result;
  };
  try {
    const transactions = await stage("load data (COPY, not measured as Engine)", () =>
      loadSyntheticShop(server.app, projectId, customers),
    );
    const noReport: Progress = async () => {};
    const whole = performance.now();
    const segmentation = await stage("segmentation", () =>
      segmentProject(...engineStage(server.app, projectId), noReport),
    );
    const predictive = await stage("predictive", () =>
      predictProject(...engineStage(server.app, projectId), noReport),
    );
    if (segmentation.status !== "completed" || predictive.status !== "completed") {
      throw new Error(`a stage was skipped: ${JSON.stringify({ segmentation, predictive })}`);
    }
    console.log(
      JSON.stringify({
        customers,
        transactions,
        engineMs: Math.round(performance.now() - whole),
        figures,
        segmentation: segmentation.result.durations_ms,
        predictive: predictive.result.durations_ms,
        k: segmentation.result.k,
        churnModel: predictive.result.churn_model,
      }),
    );
  } finally {
    clearInterval(sampler);
    await server.close();
  }
}

function main() {
  const sizes = (process.env.SIZES ?? "10000,100000,1000000").split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  console.log(
    `Segmento Engine bench: segmentation + predictive on ${process.env.DATABASE_URL ? "PostgreSQL" : "embedded"}; sizes ${sizes.join(", ")}`,
  );
  // The machine is shared: the load says how much of the wall time is waiting for a core.
  const load = () => os.loadavg()[0]!.toFixed(1);
  console.log(`${os.cpus().length} cores, load average ${load()} at the start`);
  const rows: Record<string, unknown>[] = [];
  for (const size of sizes) {
    const result = runSizeInChildProcess(self, size);
    rows.push(result);
    console.log(
      `\n${size.toLocaleString("en-US")} customers, ${result.transactions.toLocaleString("en-US")} transactions (k = ${result.k}, churn model ${result.churnModel})`,
    );
    for (const f of result.figures)
      console.log(
        `  ${f.stage.padEnd(44)} ${(f.ms / 1000).toFixed(1).padStart(7)} s   CPU ${(f.cpuMs / 1000).toFixed(1).padStart(6)} s   peak RSS ${String(f.peakRssMb).padStart(6)} MB`,
      );
    console.log(
      `  ${"Engine total (segmentation + predictive)".padEnd(44)} ${(result.engineMs / 1000).toFixed(1).padStart(7)} s`,
    );
    console.log(`  segmentation steps (ms): ${JSON.stringify(result.segmentation)}`);
    console.log(`  predictive steps (ms):   ${JSON.stringify(result.predictive)}`);
  }
  type Row = { customers: number; engineMs: number; figures: StageFigure[] };
  const peak = (r: Row) => Math.max(...r.figures.slice(1).map((f) => f.peakRssMb));
  const cpu = (r: Row) => r.figures.slice(1).reduce((sum, f) => sum + f.cpuMs, 0);
  console.log("\ngrowth from each size to the next (data x, time x, CPU x, peak memory x):");
  (rows as Row[]).forEach((row, i) => {
    const before = (rows as Row[])[i - 1];
    if (!before) return;
    console.log(
      `  ${before.customers.toLocaleString("en-US")} -> ${row.customers.toLocaleString("en-US")} customers: data ${(row.customers / before.customers).toFixed(0)}x, time ${(row.engineMs / before.engineMs).toFixed(1)}x, CPU ${(cpu(row) / cpu(before)).toFixed(1)}x, peak memory ${(peak(row) / peak(before)).toFixed(1)}x`,
    );
  });
  console.log(`load average ${load()} at the end`);
  console.log(`command: DATABASE_URL=... REDIS_URL=... SIZES=${sizes.join(",")} npm run bench:engine`);
}

const size = sizeArgument();
if (size !== null) {
  runSize(size).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main();
}
