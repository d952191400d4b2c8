import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createScratchDatabase, dropScratchDatabase } from "./helpers/test-server.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * A bench process ends by itself once it has printed its figures: every server, queue, worker and client it
 * opened is closed (no process.exit hides a socket left open). A small run on whichever runtime this is.
 */
describe("npm run bench:ingest", () => {
  it("prints its figures and exits 0 on its own", async () => {
    const adminUrl = process.env.DATABASE_URL;
    const suffix = randomBytes(6).toString("hex");
    const databaseUrl = adminUrl
      ? await createScratchDatabase(adminUrl, `segmento_bench_${suffix}`)
      : undefined;
    try {
      // execFile resolves only when the process has exited; a handle left open would hold it past the timeout.
      const { stdout } = await promisify(execFile)(
        path.join(root, "node_modules/.bin/tsx"),
        [path.join(root, "bench/ingest.ts")],
        {
          cwd: mkdtempSync(path.join(tmpdir(), "segmento-bench-")),
          env: {
            ...process.env,
            ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
            REDIS_PREFIX: `segmento-bench-${suffix}`,
            RECORDS: "20000",
          },
          timeout: 540_000,
        },
      );
      expect(stdout).toMatch(/command: .*RECORDS=20000 npm run bench:ingest/);
    } finally {
      if (adminUrl && databaseUrl) await dropScratchDatabase(adminUrl, databaseUrl);
    }
  }, 600_000);
});
