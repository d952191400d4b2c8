import type { Knex } from "knex";
import { countChangedCustomers } from "../../db/customer-metrics.js";
import { latestModelRun, type ModelRunRow } from "../../db/model-runs.js";
import type { ProjectRow } from "../../db/projects.js";
import { triggersOfJob } from "../../db/runs.js";
import { listSegments } from "../../db/segments.js";
import type { SegmentationModel } from "../../engine/segmentation-model.js";

/** When a run refits every model rather than re-scoring the changed customers (config `fullRun`). */
export interface FullRunPolicy {
  intervalHours: number;
  driftPercent: number;
}

/** The project settings a full run fitted with; a change to any of them needs a full run. */
export interface FittedSettings {
  kMin: number;
  kMax: number;
  referenceDate: string | null;
}

/** What a full segmentation keeps in its model run for incremental runs (model_runs.scoring). */
export interface StoredScoring {
  model: SegmentationModel;
  /** The cluster segments by cluster number. */
  segments: { id: string; name: string }[];
  settings: FittedSettings;
  /** The database clock when the full run started: customers changed after it are the ones to re-score. */
  changesAfter: string;
}

export type ScoringMode =
  | { mode: "full"; reason: string }
  | {
      mode: "incremental";
      reason: string;
      /** The full run whose stored models score the changed customers. */
      modelRun: Pick<ModelRunRow, "id" | "created_at">;
      scoring: StoredScoring;
      changesAfter: Date;
      changed: number;
    };

const HOUR_MS = 3_600_000;

/** The settings to store with a full run (the next run compares them). */
export const fittedSettings = (project: ProjectRow): FittedSettings => ({
  kMin: project.settings.kMin,
  kMax: project.settings.kMax,
  referenceDate: project.settings.referenceDate ?? null,
});

/**
 * Full or incremental, and why in one sentence. Incremental only for an ingest or upload run when the last full
 * run stored its models with the project's current settings, is younger than the policy's interval, and the
 * customers changed since it (added or given new transactions; re-scored by every incremental run until
 * the next full run) are at most the policy's drift share of those it was fitted on. Everything else is full:
 * a requested re-run, no stored models, changed settings, a deleted cluster segment, the schedule, or drift past
 * the threshold.
 */
export async function chooseScoringMode(
  db: Knex,
  project: ProjectRow,
  jobId: string,
  policy: FullRunPolicy,
): Promise<ScoringMode> {
  const full = (reason: string): ScoringMode => ({ mode: "full", reason });
  if (policy.intervalHours === 0 || policy.driftPercent === 0)
    return full(
      "Full run: incremental runs are off (FULL_RUN_INTERVAL_HOURS or FULL_RUN_DRIFT_PERCENT is 0).",
    );
  const triggers = await triggersOfJob(db, jobId);
  if (triggers.length === 0) return full("Full run: the pass is not part of an ingest run.");
  if (triggers.includes("segmentation")) return full("Full run: a re-run of the models was requested.");
  const last = await latestModelRun(db, project.id, "segmentation");
  const scoring = last?.scoring as StoredScoring | null | undefined;
  if (!last || !scoring) return full("Full run: no earlier full run has stored its models.");
  const settings = fittedSettings(project);
  // Field by field: jsonb does not keep the key order JSON.stringify wrote.
  if (
    (Object.keys(settings) as (keyof FittedSettings)[]).some((key) => scoring.settings[key] !== settings[key])
  )
    return full("Full run: the project's model settings changed since the last full run.");
  const segmentIds = new Set((await listSegments(db, project.id)).map((s) => s.id));
  if (!scoring.segments.every((s) => segmentIds.has(s.id)))
    return full("Full run: a cluster segment of the last full run was deleted since.");
  const ageHours = (Date.now() - new Date(last.created_at).getTime()) / HOUR_MS;
  if (ageHours >= policy.intervalHours)
    return full(
      `Full run: the last one is ${ageHours.toFixed(1)} hours old, the schedule refits every ${policy.intervalHours} hours.`,
    );
  const changesAfter = new Date(scoring.changesAfter);
  const changed = await countChangedCustomers(db, project.id, changesAfter);
  const fitted = Number(last.data_size.customers ?? 0);
  const drift = fitted > 0 ? (100 * changed) / fitted : 100;
  if (drift > policy.driftPercent)
    return full(
      `Full run: ${changed.toLocaleString("en-US")} customers changed since the last full run, ${drift.toFixed(1)}% of the ${fitted.toLocaleString("en-US")} it was fitted on (threshold ${policy.driftPercent}%).`,
    );
  return {
    mode: "incremental",
    reason: `Incremental run: ${changed.toLocaleString("en-US")} customers changed since the full run of ${new Date(last.created_at).toISOString()}, ${drift.toFixed(1)}% of the ${fitted.toLocaleString("en-US")} it was fitted on (a full run comes past ${policy.driftPercent}% or after ${policy.intervalHours} hours); they are scored against its stored models.`,
    modelRun: { id: last.id, created_at: last.created_at },
    scoring,
    changesAfter,
    changed,
  };
}
