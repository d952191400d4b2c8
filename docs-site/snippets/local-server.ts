import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The base URL every page uses: the one `npm start` listens on by default. */
export const DOCS_BASE_URL = "http://localhost:3001";

export interface LocalServer {
  /** Its base URL, `http://localhost:<port>`: the pages' DOCS_BASE_URL with the port actually used. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * For the tests' own requests to the local server: a new connection each, closed after the answer. A kept-alive
 * connection was picked up again by the next request of the suite seconds later, when the server (after its
 * 5 s keep-alive timeout) had just closed it; on a loaded machine the two clocks drift by more than the margin
 * Node's fetch keeps, and that request failed with `SocketError: other side closed`.
 */
export const NO_REUSE = { connection: "close" } as const;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once("error", reject);
  });

/**
 * A fresh server started exactly as the README starts it, `npm start` with the default configuration: embedded
 * (no DATABASE_URL or REDIS_URL), on a free port with PUBLIC_URL set to match, in a new data directory.
 */
export async function startLocalServer(extraEnv: Record<string, string> = {}): Promise<LocalServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "segmento-docs-server-"));
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const child: ChildProcess = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port), PUBLIC_URL: url, SEGMENTO_DATA_DIR: dataDir, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let printed = "";
  child.stdout?.on("data", (chunk) => {
    printed += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    printed += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // npm, tsx and the server share the process group npm leads: signal all of them, and kill whatever is still
  // there after a grace period (a shutdown waiting on a job must not outlive the suite).
  const group = (signal: NodeJS.Signals | 0) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    group("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    for (let waited = 0; waited < 10_000 && group(0); waited += 250)
      await new Promise((r) => setTimeout(r, 250));
    group("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${printed}`);
    const health = await fetch(`${url}/api/health`, { headers: NO_REUSE }).catch(() => undefined);
    if (health?.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not answer /api/health within 300 s:\n${printed}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, output: () => printed, stop };
}
