import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_CSV, sampleCsv } from "./generate/sample-data.js";
import { guideFiles } from "./sidebar.js";
import { readSnippets, type Snippet } from "./snippets/blocks.js";
import { type LocalServer, startLocalServer } from "./snippets/local-server.js";
import { ensureSiteBuilt } from "./snippets/site-build.js";
import { Terminal } from "./snippets/terminal.js";
import { snippetFailure } from "./snippets/verdict.js";

/**
 * Every runnable block of every guide, in reading order, in one terminal, against a fresh `npm start`: each must
 * exit 0, write nothing to stderr, and print what the page shows after it (see snippets/output.ts for `…`).
 */
const docsDir = fileURLToPath(new URL("./docs", import.meta.url));
const snippets = guideFiles().flatMap((page) =>
  readSnippets(readFileSync(path.join(docsDir, page), "utf8"), page),
);

let server: LocalServer;
let terminal: Terminal;
beforeAll(async () => {
  await ensureSiteBuilt();
  server = await startLocalServer();
  terminal = new Terminal(server.url);
}, 900_000);
afterAll(async () => {
  await server?.stop();
});

describe("the guides' snippets", () => {
  it("the sample shop the guides upload is what its generator writes", () => {
    expect(readFileSync(SAMPLE_CSV, "utf8")).toBe(sampleCsv());
  });

  it("every guide is in the suite and has runnable snippets", () => {
    for (const page of guideFiles())
      expect(
        snippets.some((s) => s.page === page),
        page,
      ).toBe(true);
  });

  it("fails a deliberately broken snippet: a wrong output, a failing command, a throwing TypeScript block", async () => {
    const [health] = snippets;
    expect(health?.code).toContain("/api/health");
    const broken: Snippet[] = [
      { ...health!, output: health!.output!.replace('"status": "ok"', '"status": "fine"') },
      { ...health!, code: health!.code.replace("/api/health", "/api/no-such-thing"), output: null },
      { ...health!, lang: "ts", index: 0, code: 'throw new Error("broken on purpose");', output: null },
    ];
    const failures = [];
    for (const snippet of broken) failures.push(snippetFailure(snippet, await terminal.run(snippet)));
    expect(failures[0]).toMatch(/^printed something else than the page shows/);
    expect(failures[1]).toMatch(/^exited 22: guide\/quickstart\.md:\d+/);
    expect(failures[2]).toMatch(/^exited 1: .*broken on purpose/s);
  }, 300_000);

  it.each(snippets.map((s) => [`${s.page}:${s.line} (${s.lang} #${s.index})`, s] as const))(
    "%s runs as written and prints what the page shows",
    async (_name, snippet) => {
      expect(snippetFailure(snippet, await terminal.run(snippet))).toBeUndefined();
    },
    // Following the sample shop's run takes seconds on an idle machine and minutes on a loaded one.
    600_000,
  );
});
