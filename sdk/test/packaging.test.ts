import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserConsumerTsconfig, nodeConsumerTsconfig } from "./node-consumer.mjs";

const run = promisify(execFile);
const sdkDir = new URL("..", import.meta.url).pathname;
const repoDir = new URL("../..", import.meta.url).pathname;

/** What a consumer does: call the API, and tell a 404 by its class. */
const program = (load: string) => `${load}
const client = new Segmento({ apiKey: "sk_live_${"c".repeat(64)}", baseUrl: process.argv[2], maxRetries: 0 });
client.projects.get("p1").then(async (project) => {
  const error = await client.projects.get("missing").catch((e) => e);
  console.log(JSON.stringify({
    name: project.name,
    notFound: error instanceof NotFoundError && error.requestId === "req_404",
    defaultExport: Default === Segmento,
    filter: filter.field("rfm_monetary").gte(1).op,
  }));
});
`;

let server: Server;
let baseUrl: string;
let workDir: string;
let packageDir: string;

beforeAll(async () => {
  // A consumer's project with the package installed: its package.json and a fresh build (built here rather
  // than into sdk/dist, which other suites may be importing meanwhile).
  workDir = mkdtempSync(join(tmpdir(), "segmento-sdk-"));
  packageDir = join(workDir, "node_modules", "@segmento", "sdk");
  mkdirSync(packageDir, { recursive: true });
  copyFileSync(join(sdkDir, "package.json"), join(packageDir, "package.json"));
  symlinkSync(
    join(repoDir, "node_modules", "openapi-fetch"),
    join(workDir, "node_modules", "openapi-fetch"),
    "dir",
  );
  await run(process.execPath, [join(sdkDir, "scripts/build.mjs"), join(packageDir, "dist")], { cwd: sdkDir });

  server = createServer((req, res) => {
    const found = req.url === "/api/projects/p1" && req.headers.authorization?.startsWith("Bearer sk_live_");
    res.writeHead(found ? 200 : 404, { "content-type": "application/json", "x-request-id": "req_404" });
    res.end(
      JSON.stringify(found ? { id: "p1", name: "Shop" } : { error: "Project not found", code: "not_found" }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the build, LICENSE, CHANGELOG and README, and says where the project lives", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: sdkDir });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "package.json"]));
    expect(files.filter((f) => !f.startsWith("dist/")).sort()).toEqual(
      ["CHANGELOG.md", "LICENSE", "README.md", "package.json"].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      license: "MIT",
      engines: { node: ">=20" },
      bugs: { email: expect.any(String) },
      homepage: expect.any(String),
    });
    // Where the project lives is said once, the same way in the manifest and the README the tarball carries:
    // the docs site and the support address the product itself uses (no repository URL is published yet).
    const readme = readFileSync(join(sdkDir, "README.md"), "utf8");
    expect(readme).toContain(`(${manifest.homepage})`);
    expect(readme).toContain(`mailto:${manifest.bugs.email}`);
    const config = readFileSync(join(repoDir, "server/src/config.ts"), "utf8");
    expect(config).toContain(`supportEmail: e.SUPPORT_EMAIL ?? "${manifest.bugs.email}"`);
    expect(manifest.homepage).toMatch(/^https:\/\/api\.segmento\.app\/docs\//);
    expect(manifest.repository).toBeUndefined();
    expect(manifest.keywords.length).toBeGreaterThan(3);
    // The version the client sends in its headers is the package's.
    expect((await import("../src/version.js")).VERSION).toBe(manifest.version);
  });
});

describe("the built package", () => {
  it.each([
    [
      "CommonJS",
      "check.cjs",
      'const { Segmento, NotFoundError, filter, default: Default } = require("@segmento/sdk");',
    ],
    ["ESM", "check.mjs", 'import Default, { Segmento, NotFoundError, filter } from "@segmento/sdk";'],
  ])("works from %s", async (_kind, file, load) => {
    writeFileSync(join(workDir, file), program(load));
    const { stdout } = await run(process.execPath, [join(workDir, file), baseUrl], { cwd: workDir });
    expect(JSON.parse(stdout)).toEqual({ name: "Shop", notFound: true, defaultExport: true, filter: "gte" });
  });

  it.each([
    ["a Node-only project (no DOM-only names in the declarations)", nodeConsumerTsconfig],
    ["a browser or edge app without @types/node (no Node-only names)", browserConsumerTsconfig],
  ])(
    "type-checks with skipLibCheck false in %s",
    async (_setup, tsconfig) => {
      for (const name of ["openapi-typescript-helpers", "@types"]) {
        const link = join(workDir, "node_modules", name);
        if (!existsSync(link)) symlinkSync(join(repoDir, "node_modules", name), link, "dir");
      }
      writeFileSync(join(workDir, "tsconfig.json"), tsconfig("consumer.mts"));
      writeFileSync(
        join(workDir, "consumer.mts"),
        `import { filter, Segmento } from "@segmento/sdk";
const segmento = new Segmento();
export async function main(projectId: string): Promise<string> {
  const page: Promise<unknown> = segmento.customers.list(projectId, { filters: [filter.field("churn_risk").eq("high")] });
  await page;
  const records = [{ customer_id: "C-1", order_date: "2026-05-01", amount: 1 }];
  return (await segmento.ingest.send(projectId, records, { wait: "run" })).status;
}
`,
      );
      // How long it takes is printed, not asserted (bench material on a busy machine).
      const started = Date.now();
      const result = await run(
        process.execPath,
        [join(repoDir, "node_modules/typescript/bin/tsc"), "-p", workDir],
        {
          cwd: workDir,
        },
      ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      console.log(`consumer type-check: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(result.stdout).toBe("");
    },
    600_000,
  );

  it("has no Node built-ins and requires nothing but openapi-fetch", () => {
    const esm = readFileSync(join(packageDir, "dist/index.mjs"), "utf8");
    const cjs = readFileSync(join(packageDir, "dist/index.js"), "utf8");
    expect(esm).not.toMatch(/node:|require\(/);
    expect(cjs).not.toMatch(/node:/);
    expect([...cjs.matchAll(/require\(([^)]*)\)/g)].map(([, module]) => module)).toEqual(['"openapi-fetch"']);
    expect(esm).toMatch(/^import .* from "openapi-fetch";$/m);
  });
});
