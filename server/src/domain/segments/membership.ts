import type { SegmentRow } from "../../db/segments.js";
import { type Filter, filtersToSql, parseFilters } from "../customers/filter-language.js";

/**
 * Who belongs to a segment, as one SQL condition on the customers table:
 * - cluster: the customers the latest run put in it;
 * - rule: the customers its rules select;
 * - hybrid: its base cluster narrowed by the rules (AND) or widened by them (OR).
 */
export function membershipCondition(
  segment: Pick<SegmentRow, "kind" | "id" | "rules" | "base_segment_id" | "combine">,
): {
  sql: string;
  bindings: unknown[];
} {
  if (segment.kind === "cluster") return { sql: "(segment_id = ?)", bindings: [segment.id] };
  const rules = filtersToSql(parseStoredRules(segment.rules));
  if (segment.kind === "rule" || !segment.base_segment_id)
    return { sql: `(${rules.sql})`, bindings: rules.bindings };
  const join = segment.combine === "widen" ? "OR" : "AND";
  return {
    sql: `((segment_id = ?) ${join} (${rules.sql}))`,
    bindings: [segment.base_segment_id, ...rules.bindings],
  };
}

/** Rules were checked when saved; they are parsed again (cheap) so SQL only ever comes from checked filters. */
export function parseStoredRules(rules: unknown): Filter[] {
  return parseFilters(rules ?? [], "body", "rules");
}
