import { fileURLToPath } from "node:url";
import type { Config } from "../../src/config.js";

const CLI_SOURCE = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/**
 * node's arguments for `segmento-server <args>` run from the sources under test (through tsx), so a spawned
 * server or worker is never a stale `dist/` build; build.test.ts runs the build itself.
 */
export const cliArgs = (...args: string[]): string[] => ["--import", "tsx", CLI_SOURCE, ...args];

/**
 * The environment a second process (a `worker`, another `api`) needs to share a running server's state: the same
 * database, queue prefix, secrets and file store. Callers add what the test itself varies.
 */
export const sharedEnvironment = (config: Config): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: config.databaseUrl,
  REDIS_URL: config.redisUrl,
  REDIS_PREFIX: config.redisPrefix,
  BETTER_AUTH_SECRET: config.authSecret,
  ENCRYPTION_KEY: config.encryptionKey,
  FILE_STORE_DIR: config.fileStoreDir,
});
