import { fileURLToPath } from "node:url";

const CLI_SOURCE = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/**
 * node's arguments for `segmento-server <args>` run from the sources under test (through tsx), so a spawned
 * server or worker is never a stale `dist/` build; build.test.ts runs the build itself.
 */
export const cliArgs = (...args: string[]): string[] => ["--import", "tsx", CLI_SOURCE, ...args];
