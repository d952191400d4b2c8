import type { BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import type { Database } from "./database.js";
import { migrationSource } from "./migrations/index.js";

/** Brings the schema up to date: better-auth's tables first (ours reference them), then Segmento's. */
export async function migrate(db: Database, authOptions: BetterAuthOptions): Promise<{ applied: string[] }> {
  const { runMigrations } = await getMigrations(authOptions);
  await runMigrations();
  const [, applied] = (await db.knex.migrate.latest({ migrationSource })) as [number, string[]];
  return { applied };
}

/** Segmento's migrations this version ships that the database has not applied yet (readiness). */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const [, pending] = (await db.knex.migrate.list({ migrationSource })) as [unknown, string[]];
  return pending.map((name) => migrationSource.getMigrationName(name));
}
