import type { Knex } from "knex";

/** The projects table. Settings are one JSON document so new model settings need no migration. */
export interface ProjectSettings {
  referenceDate: string | null;
  kMin: number;
  kMax: number;
  churnHorizonDays: number;
  churnThresholds: { medium: number; high: number };
  clvHorizonMonths: number;
  currency: string;
}

export interface ProjectRow {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  settings: ProjectSettings;
  created_at: Date;
  updated_at: Date;
}

export function insertProject(
  db: Knex,
  project: { organizationId: string; name: string; description: string | null; settings: ProjectSettings },
): Promise<ProjectRow> {
  return db("projects")
    .insert({
      organization_id: project.organizationId,
      name: project.name,
      description: project.description,
      settings: JSON.stringify(project.settings),
    })
    .returning("*")
    .then((rows) => rows[0] as ProjectRow);
}

export function findProject(db: Knex, projectId: string): Promise<ProjectRow | undefined> {
  return db("projects").where({ id: projectId }).first();
}

export function listProjects(db: Knex, organizationId: string): Promise<ProjectRow[]> {
  return db("projects").where({ organization_id: organizationId }).orderBy("created_at", "asc");
}

export async function updateProject(
  db: Knex,
  projectId: string,
  changes: { name?: string; description?: string | null; settings?: ProjectSettings },
): Promise<ProjectRow> {
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (changes.name !== undefined) patch.name = changes.name;
  if (changes.description !== undefined) patch.description = changes.description;
  if (changes.settings !== undefined) patch.settings = JSON.stringify(changes.settings);
  const [row] = await db("projects").where({ id: projectId }).update(patch).returning("*");
  return row as ProjectRow;
}

export async function deleteProject(db: Knex, projectId: string): Promise<void> {
  await db("projects").where({ id: projectId }).delete();
}
