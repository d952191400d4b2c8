import type { Knex } from "knex";
import { groupStats, pageOfCustomers } from "../../db/customers.js";
import {
  deleteSegmentRow,
  findSegment,
  findSegmentByName,
  insertSegment,
  type SegmentRow,
  updateSegmentRow,
} from "../../db/segments.js";
import { parseFilters } from "../customers/filter-language.js";
import { DomainError, notFound } from "../errors.js";
import { requireProjectOf } from "../organizations/access.js";
import type { Principal } from "../principal.js";
import { membershipCondition } from "./membership.js";

export interface SegmentDraft {
  kind: "rule" | "hybrid";
  rules: unknown[];
  base_segment_id?: string;
  combine?: "narrow" | "widen";
}

/** A segment the caller can reach; any other id is not found. */
export async function requireSegment(db: Knex, principal: Principal, segmentId: string): Promise<SegmentRow> {
  const segment = await findSegment(db, segmentId);
  if (!segment) throw notFound("Segment", segmentId);
  await requireProjectOf(db, principal, segment.project_id, "Segment", segmentId);
  return segment;
}

/** Checks a rule or hybrid draft: valid rules, and for a hybrid a cluster segment of the same project to start from. */
async function checkDraft(db: Knex, projectId: string, draft: SegmentDraft) {
  parseFilters(draft.rules, "body", "rules");
  if (draft.kind !== "hybrid") return { base: null, combine: null };
  const base = draft.base_segment_id ? await findSegment(db, draft.base_segment_id) : undefined;
  if (!base || base.project_id !== projectId || base.kind !== "cluster") {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "segment_base_invalid",
      { id: draft.base_segment_id ?? "" },
      {
        details: [
          {
            location: "body",
            field: "base_segment_id",
            rule: "cluster",
            messageKey: "segment_base_invalid",
            params: { id: draft.base_segment_id ?? "" },
          },
        ],
        errorCount: 1,
      },
    );
  }
  return { base: base.id, combine: draft.combine ?? "narrow" };
}

async function requireFreeName(db: Knex, projectId: string, name: string, exceptId?: string) {
  const existing = await findSegmentByName(db, projectId, name);
  if (existing && existing.id !== exceptId)
    throw new DomainError("conflict", "conflict", "segment_name_taken", { name });
}

export async function createSegment(
  db: Knex,
  projectId: string,
  input: SegmentDraft & { name: string; description?: string | null },
): Promise<SegmentRow> {
  const { base, combine } = await checkDraft(db, projectId, input);
  await requireFreeName(db, projectId, input.name);
  return insertSegment(db, {
    project_id: projectId,
    name: input.name,
    kind: input.kind,
    description: input.description ?? null,
    rules: input.rules,
    base_segment_id: base,
    combine: combine as SegmentRow["combine"],
  });
}

export async function updateSegment(
  db: Knex,
  segment: SegmentRow,
  changes: { name?: string; description?: string | null; rules?: unknown[]; combine?: "narrow" | "widen" },
): Promise<SegmentRow> {
  if (segment.kind === "cluster" && (changes.rules !== undefined || changes.combine !== undefined)) {
    throw new DomainError("invalid", "validation_failed", "segment_cluster_rules", { name: segment.name });
  }
  if (changes.combine !== undefined && segment.kind !== "hybrid") {
    throw new DomainError("invalid", "validation_failed", "segment_cluster_rules", { name: segment.name });
  }
  if (changes.rules !== undefined) parseFilters(changes.rules, "body", "rules");
  if (changes.name !== undefined) await requireFreeName(db, segment.project_id, changes.name, segment.id);
  return updateSegmentRow(db, segment.id, changes);
}

export async function deleteSegment(db: Knex, segment: SegmentRow): Promise<void> {
  await deleteSegmentRow(db, segment.id);
}

/** What a draft would select, without saving it: the count, a sample (biggest spenders first) and statistics. */
export async function previewSegment(db: Knex, projectId: string, draft: SegmentDraft, sampleSize: number) {
  const { base, combine } = await checkDraft(db, projectId, draft);
  const condition = membershipCondition({
    id: "",
    kind: draft.kind,
    rules: draft.rules,
    base_segment_id: base,
    combine: combine as SegmentRow["combine"],
  });
  const [stats, sample] = await Promise.all([
    groupStats(db, projectId, [condition]),
    pageOfCustomers(
      db,
      projectId,
      [condition],
      { column: "rfm_monetary", direction: "desc" },
      { limit: sampleSize, offset: 0 },
    ),
  ]);
  return { stats, sample: sample.rows };
}
