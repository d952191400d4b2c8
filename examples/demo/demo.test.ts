import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run demo (the main job)", () => {
  it("runs the whole flow through the SDK on the embedded default and reports the results", async () => {
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
    const { stdout } = await promisify(execFile)(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "examples/demo/demo.ts")],
      {
        cwd: root,
        env: {
          ...env,
          DEMO_CUSTOMERS: "800",
          SEGMENTO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "segmento-demo-")),
        },
      },
    );
    expect(stdout).toContain("embedded PGlite");
    expect(stdout).toMatch(/Ingest.* records for 800 customers/);
    // One run for the whole shop, every batch in it, every stage done.
    const [, batches, ingests] =
      /run [0-9a-f-]{36} completed: (\d+) batch\(es\), (\d+) ingest job\(s\)/.exec(stdout) ?? [];
    expect(Number(batches)).toBeGreaterThanOrEqual(1);
    expect(ingests).toBe(batches);
    for (const stage of ["segmentation", "predictive", "action"])
      expect(stdout).toMatch(new RegExp(`${stage} +completed`));
    expect(stdout).toMatch(/Churn risk.*low \d+, medium \d+, high \d+/);
    expect(stdout).toMatch(/ABC classes.*A \d+, B \d+, C \d+/);
    expect(stdout).toContain("similar:");
    // How long it took is printed, not asserted: speed belongs in bench/, and this machine may be busy.
    expect(stdout).toMatch(/Done in [\d.]+ s/);
  }, 600_000);
});

describe("npm run demo -- --serve", () => {
  it("leaves the server running and prints the dashboard URL with a login that works", async () => {
    const { DATABASE_URL: _db, REDIS_URL: _redis, PORT: _port, ...env } = process.env;
    const child = spawn(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "examples/demo/demo.ts"), "--serve"],
      {
        cwd: root,
        env: {
          ...env,
          DEMO_CUSTOMERS: "200",
          SEGMENTO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "segmento-demo-")),
        },
      },
    );
    try {
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += String(chunk);
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await Promise.race([
        new Promise<void>((resolve) =>
          child.stdout.on("data", () => /keeps running/.test(stdout) && resolve()),
        ),
        exited.then(() => {
          throw new Error(`the demo exited: ${stdout}`);
        }),
      ]);
      const url = /Dashboard\S* (http:\/\/\S+)\//.exec(stdout)?.[1];
      const [, email, password] = /sign in as (\S+) with password (\S+)/.exec(stdout) ?? [];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The dashboard's own origin is trusted: a browser there can sign in with the printed login.
      const signIn = await fetch(`${url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url! },
        body: JSON.stringify({ email, password }),
      });
      expect(signIn.status).toBe(200);
      const page = await fetch(`${url}/`, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  }, 600_000);
});
