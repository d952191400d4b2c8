import type { GroupStats } from "../../db/customers.js";
import type { SegmentRow } from "../../db/segments.js";

export const presentStats = ({ count: _count, ...stats }: GroupStats) => stats;

export const presentSegment = (s: SegmentRow, stats: GroupStats) => ({
  id: s.id,
  project_id: s.project_id,
  name: s.name,
  kind: s.kind,
  description: s.description,
  rules: (s.rules ?? null) as never,
  base_segment_id: s.base_segment_id,
  combine: s.combine,
  customer_count: stats.count,
  stats: presentStats(stats),
  created_at: s.created_at.toISOString(),
  updated_at: s.updated_at.toISOString(),
});
