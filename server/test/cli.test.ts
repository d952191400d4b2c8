import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/segmento-server.js", import.meta.url));
/** The embedded default: no DATABASE_URL / REDIS_URL, data in a fresh directory. */
const embeddedEnv = () => {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
  return { ...rest, SEGMENTO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "segmento-cli-")), LOG_LEVEL: "info" };
};

describe("segmento-server", () => {
  it("prints its commands and every environment variable", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--help"]);
    expect(stdout).toContain("segmento-server <command>");
    for (const name of ["DATABASE_URL", "REDIS_URL", "BETTER_AUTH_SECRET", "RATE_LIMIT_MAX"])
      expect(stdout).toContain(name);
  });

  it("refuses bad configuration with a message naming the variable", async () => {
    const run = promisify(execFile)(process.execPath, [bin, "start"], {
      env: { ...embeddedEnv(), PORT: "abc" },
    });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("PORT must be an integer"),
    });
  });

  it("migrates the embedded database, then finds it up to date", async () => {
    const env = embeddedEnv();
    const first = await promisify(execFile)(process.execPath, [bin, "migrate"], { env });
    expect(first.stdout).toContain("applied: 20261129_001_foundation");
    const second = await promisify(execFile)(process.execPath, [bin, "migrate"], { env });
    expect(second.stdout).toContain("schema is up to date");
  }, 600_000);

  it("starts embedded, says which mode it is in, serves, and stops on SIGTERM", async () => {
    const child: ChildProcess = spawn(process.execPath, [bin, "start"], {
      env: { ...embeddedEnv(), PORT: "0" },
    });
    try {
      const line = await new Promise<Record<string, string>>((resolve, reject) => {
        let buffer = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          const found = buffer.split("\n").find((l) => l.includes("Segmento listening on"));
          if (found) resolve(JSON.parse(found));
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(line.mode).toBe("embedded");
      expect(line.database).toContain("embedded PGlite");
      expect(line.jobs).toBe("in-process runner");
      const health = await fetch(`${line.url}/api/health`);
      expect(health.status).toBe(200);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 600_000);
});
