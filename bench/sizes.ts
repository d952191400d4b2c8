import { execFileSync } from "node:child_process";

/**
 * Runs one shop size of a bench in its own Node process (clean memory peaks): the script is started again with
 * `--size N`, and the JSON object it prints last is its result (as JSON.parse gives it: each bench knows its shape).
 */
export function runSizeInChildProcess(script: string, size: number) {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "--max-old-space-size=16000", script, "--size", String(size)],
    { env: process.env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

/** The size a child process was started with, or null in the parent. */
export function sizeArgument(): number | null {
  const at = process.argv.indexOf("--size");
  return at > 0 ? Number(process.argv[at + 1]) : null;
}
