import type { Knex } from "knex";

/** The integrations table. `secrets` is sealed text; only domain/integrations opens it. */
export interface IntegrationRow {
  id: string;
  project_id: string;
  channel: string;
  name: string;
  config: Record<string, string>;
  secrets: string;
  created_at: Date;
  updated_at: Date;
}

export async function insertIntegration(
  db: Knex,
  row: Pick<IntegrationRow, "project_id" | "channel" | "name" | "config" | "secrets">,
): Promise<IntegrationRow> {
  const [created] = await db("integrations")
    .insert({ ...row, config: JSON.stringify(row.config) })
    .returning("*");
  return created as IntegrationRow;
}

export function findIntegration(db: Knex, id: string): Promise<IntegrationRow | undefined> {
  return db("integrations").where({ id }).first();
}

export function listIntegrations(db: Knex, projectId: string): Promise<IntegrationRow[]> {
  return db("integrations").where({ project_id: projectId }).orderBy("created_at", "asc");
}

export async function updateIntegration(
  db: Knex,
  id: string,
  changes: Partial<Pick<IntegrationRow, "name" | "config" | "secrets">>,
): Promise<IntegrationRow> {
  const patch: Record<string, unknown> = { ...changes, updated_at: db.fn.now() };
  if (changes.config) patch.config = JSON.stringify(changes.config);
  const [row] = await db("integrations").where({ id }).update(patch).returning("*");
  return row as IntegrationRow;
}

export async function deleteIntegration(db: Knex, id: string): Promise<void> {
  await db("integrations").where({ id }).delete();
}
