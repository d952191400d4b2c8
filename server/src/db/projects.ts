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
  /** `deleting` while its deletion job runs: then it is gone for every reader. */
  status: "active" | "deleting";
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

/** A live project (one being deleted is already gone). */
export function findProject(db: Knex, projectId: string): Promise<ProjectRow | undefined> {
  return db("projects").where({ id: projectId, status: "active" }).first();
}

export function listProjects(db: Knex, organizationId: string): Promise<ProjectRow[]> {
  return db("projects")
    .where({ organization_id: organizationId, status: "active" })
    .orderBy("created_at", "asc");
}

export async function markProjectDeleting(db: Knex, projectId: string): Promise<boolean> {
  return (await db("projects").where({ id: projectId, status: "active" }).update({ status: "deleting" })) > 0;
}

/**
 * The project's lease: the pipeline stages of one project run one at a time, whichever worker process takes
 * them. A lease is held by a job for `ms` and renewed while it runs; a dead worker's lease lapses.
 */
export async function acquireProjectLease(db: Knex, projectId: string, jobId: string, ms: number) {
  const taken = await db("projects")
    .where({ id: projectId })
    .andWhere((q) =>
      q.whereNull("lease_job_id").orWhere("lease_job_id", jobId).orWhere("lease_until", "<", db.fn.now()),
    )
    .update({ lease_job_id: jobId, lease_until: db.raw("now() + (? * interval '1 millisecond')", [ms]) });
  return taken > 0;
}

export async function renewProjectLease(db: Knex, projectId: string, jobId: string, ms: number) {
  await db("projects")
    .where({ id: projectId, lease_job_id: jobId })
    .update({ lease_until: db.raw("now() + (? * interval '1 millisecond')", [ms]) });
}

export async function releaseProjectLease(db: Knex, projectId: string, jobId: string) {
  await db("projects")
    .where({ id: projectId, lease_job_id: jobId })
    .update({ lease_job_id: null, lease_until: null });
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

/** The organization a project belongs to, whatever its status (jobs are recorded under it). */
export async function organizationOfProject(db: Knex, projectId: string): Promise<string | undefined> {
  const row = await db("projects").where({ id: projectId }).first("organization_id");
  return row?.organization_id;
}

/** A project's large tables, emptied in chunks before the project row goes (its cascade then has little left). */
const PROJECT_BULK_TABLES = [
  "segment_events",
  "customer_embeddings",
  "transactions",
  "campaign_exposures",
  "customers",
] as const;

/**
 * Deletes up to `limit` rows of the project's bulk data, table by table; returns how many went (0: only the
 * project row and its small tables are left). Short statements keep locks and the WAL small.
 */
export async function purgeProjectChunk(db: Knex, projectId: string, limit: number): Promise<number> {
  for (const table of PROJECT_BULK_TABLES) {
    // The outer project filter matters for partitioned tables (customer_embeddings): a ctid is unique only
    // within one partition, so without it the same ctids would match rows of other projects.
    const result = await db.raw(
      `DELETE FROM ${table} WHERE project_id = ? AND ctid IN (SELECT ctid FROM ${table} WHERE project_id = ? LIMIT ?)`,
      [projectId, projectId, limit],
    );
    if ((result.rowCount ?? 0) > 0) return result.rowCount as number;
  }
  return 0;
}

/** How many rows of bulk data a project has (what its deletion will go through). */
export async function countProjectRows(db: Knex, projectId: string): Promise<number> {
  let total = 0;
  for (const table of PROJECT_BULK_TABLES) {
    const row = await db(table).where({ project_id: projectId }).count<{ n: string }>("* as n").first();
    total += Number(row?.n ?? 0);
  }
  return total;
}
