import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const root = path.join(sdkDir, "..");

/** The ```ts blocks of the README's Quickstart section, in reading order. */
function quickstartBlocks(): string[] {
  const readme = readFileSync(path.join(sdkDir, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("## Quickstart"),
    readme.indexOf("\n## ", readme.indexOf("## Quickstart") + 1),
  );
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ segmentationDebounceMs: 200 });
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("the README quickstart", () => {
  it("runs verbatim against a fresh server and prints segments and the customers at risk", async () => {
    const blocks = quickstartBlocks();
    expect(blocks).toHaveLength(2);
    // The blocks as one module, as a reader pastes them one after the other; `@segmento/sdk` is this source.
    const dir = mkdtempSync(path.join(tmpdir(), "segmento-readme-"));
    writeFileSync(path.join(dir, "quickstart.mts"), blocks.join("\n"));
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          target: "es2022",
          paths: { "@segmento/sdk": [path.join(sdkDir, "src/index.ts")] },
        },
      }),
    );
    const { SEGMENTO_API_KEY: _key, SEGMENTO_WEBHOOK_SECRET: _secret, ...env } = process.env;
    const { stdout, stderr } = await promisify(execFile)(
      path.join(root, "node_modules/.bin/tsx"),
      ["--tsconfig", path.join(dir, "tsconfig.json"), path.join(dir, "quickstart.mts")],
      { cwd: dir, env: { ...env, SEGMENTO_BASE_URL: server.url }, timeout: 240_000 },
    );
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^100% action: /m);
    expect(stdout).toContain("run completed in 4 stages");
    expect(stdout).toMatch(/^[1-9]\d* segments: \S/m);
    const atRisk = stdout.match(/^C-\d+ (low|medium|high) [01]\.\d\d$/gm) ?? [];
    expect(atRisk).toHaveLength(5);
  }, 300_000);
});
