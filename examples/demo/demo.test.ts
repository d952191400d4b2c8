import { execFile } from "node:child_process";
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
    for (const stage of ["segmentation", "predictive", "action"]) expect(stdout).toContain(stage);
    expect(stdout).toMatch(/Churn risk.*low \d+, medium \d+, high \d+/);
    expect(stdout).toMatch(/ABC classes.*A \d+, B \d+, C \d+/);
    expect(stdout).toContain("similar:");
    const seconds = Number(/Done in ([\d.]+) s/.exec(stdout)?.[1]);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
