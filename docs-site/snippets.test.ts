import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_CSV, sampleCsv } from "./generate/sample-data.js";
import { guideFiles } from "./sidebar.js";
import { readSnippets } from "./snippets/blocks.js";
import { type LocalServer, startLocalServer } from "./snippets/local-server.js";
import { outputMatches } from "./snippets/output.js";
import { ensureSiteBuilt } from "./snippets/site-build.js";
import { Terminal } from "./snippets/terminal.js";

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

  it.each(snippets.map((s) => [`${s.page}:${s.line} (${s.lang} #${s.index})`, s] as const))(
    "%s runs as written and prints what the page shows",
    async (_name, snippet) => {
      const run = await terminal.run(snippet);
      const where = `${snippet.page}:${snippet.line}\n${snippet.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`;
      expect(run.exitCode, `exited ${run.exitCode}: ${where}`).toBe(0);
      expect(run.stderr, `wrote to stderr: ${where}`).toBe("");
      if (snippet.output === null)
        expect(run.stdout, `printed output the page does not show: ${where}`).toBe("");
      else
        expect(
          outputMatches(snippet.output, run.stdout),
          `printed something else than the page shows:\n${snippet.output}\n--- ${where}`,
        ).toBe(true);
    },
    180_000,
  );
});
