import type { Knex } from "knex";

/** The segments table: cluster segments (written by each segmentation run) and rule/hybrid ones (by users). */
export interface SegmentRow {
  id: string;
  project_id: string;
  name: string;
  kind: "cluster" | "rule" | "hybrid";
  description: string | null;
  rules: unknown[] | null;
  base_segment_id: string | null;
  combine: "narrow" | "widen" | null;
  centroid: Record<string, number> | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Makes the project's cluster segments exactly `clusters`: a label that persists keeps its segment (and id, so
 * hybrids and automations built on it keep working); new labels get new segments; cluster segments whose
 * label is gone are deleted unless a hybrid segment or an automation is built on them (it then keeps no members). Returns each cluster's segment id and name, in
 * order (the name is the label, or "<label> (cluster)" when a user's segment already has the label).
 */
export async function replaceClusterSegments(
  db: Knex,
  projectId: string,
  clusters: { label: string; description: string; centroid: Record<string, number> }[],
): Promise<{ id: string; name: string }[]> {
  const saved: { id: string; name: string }[] = [];
  for (const cluster of clusters) {
    // A user's own segment may already carry the name: the cluster then takes a marked variant of it.
    for (const name of [cluster.label, `${cluster.label} (cluster)`]) {
      const rows = await db("segments")
        .insert({
          project_id: projectId,
          name,
          kind: "cluster",
          description: cluster.description,
          centroid: JSON.stringify(cluster.centroid),
        })
        .onConflict(["project_id", "name"])
        .merge({
          description: cluster.description,
          centroid: JSON.stringify(cluster.centroid),
          updated_at: db.fn.now(),
        })
        .where("segments.kind", "cluster")
        .returning("id");
      const row = rows[0] as { id: string } | undefined;
      if (row) {
        saved.push({ id: row.id, name });
        break;
      }
    }
  }
  await db("segments")
    .where({ project_id: projectId, kind: "cluster" })
    .whereNotIn(
      "id",
      saved.map((s) => s.id),
    )
    .whereNotExists(db("segments as h").whereRaw("h.base_segment_id = segments.id"))
    .whereNotExists(db("automations as a").whereRaw("a.segment_id = segments.id"))
    .delete();
  return saved;
}

export function listSegments(db: Knex, projectId: string): Promise<SegmentRow[]> {
  return db("segments")
    .where({ project_id: projectId })
    .orderBy([{ column: "kind" }, { column: "name" }]);
}

export function findSegment(db: Knex, segmentId: string): Promise<SegmentRow | undefined> {
  return db("segments").where({ id: segmentId }).first();
}

export function findSegmentByName(
  db: Knex,
  projectId: string,
  name: string,
): Promise<SegmentRow | undefined> {
  return db("segments").where({ project_id: projectId, name }).first();
}

export async function insertSegment(
  db: Knex,
  segment: Pick<
    SegmentRow,
    "project_id" | "name" | "kind" | "description" | "rules" | "base_segment_id" | "combine"
  >,
): Promise<SegmentRow> {
  const [row] = await db("segments")
    .insert({ ...segment, rules: JSON.stringify(segment.rules) })
    .returning("*");
  return row as SegmentRow;
}

export async function updateSegmentRow(
  db: Knex,
  segmentId: string,
  changes: Partial<Pick<SegmentRow, "name" | "description" | "rules" | "combine">>,
): Promise<SegmentRow> {
  const patch: Record<string, unknown> = { ...changes, updated_at: db.fn.now() };
  if (changes.rules !== undefined) patch.rules = JSON.stringify(changes.rules);
  const [row] = await db("segments").where({ id: segmentId }).update(patch).returning("*");
  return row as SegmentRow;
}

export async function deleteSegmentRow(db: Knex, segmentId: string): Promise<void> {
  await db("segments").where({ id: segmentId }).delete();
}

/**
 * Makes a segment's stored members the customers meeting `condition` now, recording who entered and who left
 * (segment_events). One statement: the comparison happens in the database, however many members there are.
 */
export async function refreshMembership(
  db: Knex,
  segment: Pick<SegmentRow, "id" | "project_id">,
  condition: { sql: string; bindings: unknown[] },
  jobId: string | null,
): Promise<{ entered: number; left: number }> {
  const result = await db.raw(
    `WITH current_members AS (
       SELECT id AS customer_id FROM customers
        WHERE project_id = ? AND rfm_recency_days IS NOT NULL AND ${condition.sql}),
     entered AS (
       INSERT INTO segment_memberships (segment_id, customer_id)
       SELECT ?::uuid, customer_id FROM current_members
       ON CONFLICT (segment_id, customer_id) DO NOTHING
       RETURNING customer_id),
     departed AS (
       DELETE FROM segment_memberships m
        WHERE m.segment_id = ? AND NOT EXISTS (SELECT 1 FROM current_members c WHERE c.customer_id = m.customer_id)
       RETURNING customer_id),
     events AS (
       INSERT INTO segment_events (project_id, segment_id, customer_id, event, job_id)
       SELECT ?::uuid, ?::uuid, customer_id, 'enter', ?::uuid FROM entered
       UNION ALL
       SELECT ?::uuid, ?::uuid, customer_id, 'leave', ?::uuid FROM departed
       RETURNING event)
     SELECT count(*) FILTER (WHERE event = 'enter')::int AS entered, count(*) FILTER (WHERE event = 'leave')::int AS left
       FROM events`,
    [
      segment.project_id,
      ...condition.bindings,
      segment.id,
      segment.id,
      segment.project_id,
      segment.id,
      jobId,
      segment.project_id,
      segment.id,
      jobId,
    ] as Knex.RawBinding[],
  );
  const row = result.rows[0] as { entered: number; left: number };
  return { entered: row.entered, left: row.left };
}

/** The customers who entered a segment during one refresh (job). */
export const customersWhoEntered = (db: Knex, segmentId: string, jobId: string): Promise<string[]> =>
  db("segment_events").where({ segment_id: segmentId, job_id: jobId, event: "enter" }).pluck("customer_id");
