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
 * label is gone are deleted unless a hybrid segment is built on them. Returns each cluster's segment id and name, in
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
    .delete();
  return saved;
}
