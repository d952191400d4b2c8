import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Two projects, so CI can run each suite as often as it needs:
 * - `once`: suites that do not depend on which runtime the server uses: the Engine's models, parsers, channel
 *   adapters against local provider servers, the SDK against stubbed fetch, the contract, and the browser suites
 *   (the docs site starts its own embedded server exactly as the README does; the dashboard's pages are the same on
 *   either runtime, and its API calls are covered by the suites below).
 * - `both-runtimes`: everything that talks to our server, database or queue. CI runs it on the embedded runtime
 *   (PGlite + in-process jobs) and again on PostgreSQL + Redis + BullMQ.
 * A new suite lands in `both-runtimes` unless a glob below claims it, so nothing runtime-dependent runs on one
 * runtime only by accident.
 */
const ONCE = [
  "server/test/engine/**/*.test.ts",
  "server/test/ingest/**/*.test.ts",
  "server/test/channels/**/*.test.ts",
  "server/test/contract.test.ts",
  // Reads the Dockerfile and docker-compose.yml; starts nothing.
  "server/test/dockerfile.test.ts",
  "server/test/cron.test.ts",
  "server/test/i18n.test.ts",
  // These start the server with DATABASE_URL / REDIS_URL removed (a fresh user's embedded default), whatever the
  // run's environment: on the services run they would repeat the embedded run exactly.
  "server/test/build.test.ts",
  "examples/demo/**/*.test.ts",
  // The models' quality through the API (minutes of model fits): the figures do not depend on the runtime, and
  // the pipeline's own suites cover both runtimes' paths.
  "server/test/model-quality.test.ts",
  "sdk/test/**/*.test.ts",
  "examples/webhook-receiver/**/*.test.ts",
  "examples/dashboard/**/*.test.ts",
  "docs-site/**/*.test.ts",
];
/** The SDK suites that drive a real server. */
const SDK_AGAINST_SERVER = ["sdk/test/integration.test.ts", "sdk/test/browser.test.ts"];
const NEVER = ["**/node_modules/**", "**/dist/**"];

/**
 * The suites that take minutes, longest first. CI runs on a clean clone, where vitest has no cache of durations: it
 * would order the files by project name (every `both-runtimes` file before any `once` file) and then by size, so
 * these started last and one worker sat idle for minutes while the other finished them. Starting them first lets
 * the short files fill the other worker; every other file keeps vitest's own order (cached durations when it has
 * them, file size otherwise).
 */
const LONGEST_FIRST = [
  "server/test/model-quality.test.ts",
  "docs-site/site.test.ts",
  "examples/dashboard/test/dashboard.test.ts",
  "sdk/test/runtimes.test.ts",
  "docs-site/snippets.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(path.relative(spec.project.config.root, spec.moduleId));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest stay in vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // Generous: the suite must pass on a busy 2-core machine; speed is measured in bench/, not here.
    testTimeout: 90_000,
    hookTimeout: 240_000,
    pool: "forks",
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: "once", include: ONCE, exclude: [...NEVER, ...SDK_AGAINST_SERVER] } },
      {
        extends: true,
        test: {
          name: "both-runtimes",
          include: ["server/test/**/*.test.ts", "examples/**/*.test.ts", ...SDK_AGAINST_SERVER],
          exclude: [...NEVER, ...ONCE.filter((glob) => !glob.startsWith("sdk/"))],
        },
      },
    ],
  },
  resolve: {
    alias: { "@segmento/sdk/schema": new URL("./sdk/src/generated/schema.ts", import.meta.url).pathname },
  },
});
