/**
 * npm run bench:startup — start-up of `segmento-server start` (embedded) from the TypeScript sources through tsx
 * (the baseline: how the server ran before the build) and from the compiled `server/dist` on node alone, in the
 * same run: time until it listens, and its resident memory then. Builds the server first.
 *
 *   ROUNDS=5 npm run bench:startup
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** Milliseconds from spawn to the "listening" line, and the process's RSS in MB at that moment. */
async function startOnce(args: string[]): Promise<{ ms: number; rssMb: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "segmento-startup-"));
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [...args, "start"], {
    cwd: ROOT,
    env: { ...env, PORT: "0", LOG_LEVEL: "info", SEGMENTO_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const ms = await new Promise<number>((resolve, reject) => {
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        if (buffer.includes("Segmento listening on")) resolve(performance.now() - started);
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  execFileSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
  const variants = {
    "tsx server/src/cli.ts (before)": ["--import", "tsx", "server/src/cli.ts"],
    "node server/dist/cli.js (after)": ["server/dist/cli.js"],
  };
  const results: Record<string, { ms: number; rssMb: number }> = {};
  for (const [name, args] of Object.entries(variants)) {
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await startOnce(args));
    results[name] = { ms: median(rounds.map((r) => r.ms)), rssMb: median(rounds.map((r) => r.rssMb)) };
    console.log(
      `${name.padEnd(34)} start ${results[name].ms.toFixed(0)} ms, RSS ${results[name].rssMb.toFixed(0)} MB (median of ${ROUNDS})`,
    );
  }
  const [before, after] = Object.values(results) as [(typeof results)[string], (typeof results)[string]];
  console.log(
    `compiled / tsx: start-up time x${(after.ms / before.ms).toFixed(2)}, memory x${(after.rssMb / before.rssMb).toFixed(2)}`,
  );
}

await main();
