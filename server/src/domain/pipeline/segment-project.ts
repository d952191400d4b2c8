import type { Knex } from "knex";
import { modelRunQuotaError } from "../../billing/quotas.js";
import { type EmbeddingWrite, replaceEmbeddings } from "../../db/customer-embeddings.js";
import {
  databaseClock,
  loadCustomerRfm,
  referenceDateOf,
  saveSegmentation,
  saveUnscoredRfm,
} from "../../db/customer-metrics.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { replaceClusterSegments } from "../../db/segments.js";
import { refreshStatistics } from "../../db/statistics.js";
import { toVectorText } from "../../engine/embedding.js";
import { translate } from "../../i18n/index.js";
import type { EngineRunner } from "./engine.js";
import { PermanentStepError, type Progress, projectSeed, type StepOutcome } from "./progress.js";
import { rescoreChangedCustomers } from "./rescore-project.js";
import { chooseScoringMode, type FullRunPolicy, fittedSettings, type StoredScoring } from "./scoring-mode.js";
import { stepTimer } from "./step-timer.js";

/** Customers' segmentation results written per statement batch. */
const WRITE_BATCH = 20_000;

export interface SegmentProjectDeps {
  db: Knex;
  engine: EngineRunner;
  fullRun: FullRunPolicy;
}

export interface SegmentationResult {
  /** `full`: every model refitted, every customer scored; `incremental`: changed customers against stored models. */
  mode: "full" | "incremental";
  /** Why this mode, in one sentence with its numbers. */
  mode_reason: string;
  customers: number;
  k: number;
  reason: string;
  segments: string[];
  reference_date: string;
  durations_ms: Record<string, number>;
  /** How the similarity index took the new embeddings: rebuilt and swapped, or only changes written. */
  embeddings: EmbeddingWrite;
}

/**
 * The segmentation stage: RFM in SQL as of the reference date, then the Engine (on a worker thread) scores,
 * clusters and names; all results are written in one transaction with the model run that produced them, and
 * each customer's embedding is indexed for similarity. One pass is one model run of the plan: over the quota
 * the stage is skipped, and says so.
 */
export async function segmentProject(
  deps: SegmentProjectDeps,
  input: { projectId: string; jobId: string },
  report: Progress,
): Promise<StepOutcome<SegmentationResult>> {
  const { db } = deps;
  const project = await findProject(db, input.projectId);
  if (!project) throw new PermanentStepError(`project ${input.projectId} no longer exists`);
  const overQuota = await modelRunQuotaError(db, project.organization_id);
  if (overQuota) {
    return {
      status: "skipped",
      code: overQuota.code,
      reason: `Segmentation skipped: ${translate("en", overQuota.messageKey, overQuota.params)}`,
    };
  }
  const referenceDate = await referenceDateOf(db, project.id, project.settings.referenceDate);
  if (!referenceDate) {
    return {
      status: "skipped",
      code: "no_data",
      reason: "The project has no transactions yet, so there is nothing to segment.",
    };
  }
  const scoringMode = await chooseScoringMode(db, project, input.jobId, deps.fullRun);
  if (scoringMode.mode === "incremental") {
    const rescored = await rescoreChangedCustomers(deps, project.id, referenceDate, scoringMode, report);
    const { segments } = scoringMode.scoring;
    return {
      status: "completed",
      result: {
        mode: "incremental",
        mode_reason: scoringMode.reason,
        customers: rescored.customers,
        k: segments.length,
        reason: `The clusters of the full run of ${scoringMode.modelRun.created_at.toISOString()} (incremental runs do not re-cluster).`,
        segments: segments.map((s) => s.name),
        reference_date: referenceDate.toISOString(),
        durations_ms: rescored.durations,
        embeddings: {
          mode: "in_place",
          changed: rescored.embeddingsWritten,
          total: rescored.embeddingsTotal,
        },
      },
      message: `Re-scored ${rescored.customers.toLocaleString("en-US")} changed customers against the stored models`,
    };
  }
  const { durations, time } = stepTimer();
  const changesAfter = await databaseClock(db);

  await report(5, "Computing RFM");
  const { customers, rfm, unscored } = await time("rfm", () =>
    loadCustomerRfm(db, project.id, referenceDate),
  );
  if (customers.length === 0) {
    return {
      status: "skipped",
      code: "no_data",
      reason: "No customer has a transaction up to the reference date.",
    };
  }

  await report(20, `Scoring and clustering ${customers.length.toLocaleString("en-US")} customers`);
  const seed = projectSeed(project.id);
  const { kMin, kMax } = project.settings;
  const model = await time("model", () =>
    deps.engine.run("segmentCustomers", { customers, kMin, kMax, seed }),
  );
  const { scores, rfmSegments, abc, clustering, stability, names, embeddings } = model;
  const scoring = (segments: StoredScoring["segments"]): StoredScoring => ({
    model: model.model,
    segments,
    settings: fittedSettings(project),
    changesAfter: changesAfter.toISOString(),
  });
  Object.assign(durations, model.durations);

  await report(80, "Saving results");
  const segments = await time("write", () =>
    db.transaction(async (trx) => {
      const saved = await replaceClusterSegments(
        trx,
        project.id,
        names.map((name) => ({
          label: name.label,
          description: name.description,
          centroid: { ...name.position, ...name.median, size: name.size },
        })),
      );
      // A batch of rows at a time: the written rows never all exist at once, whatever the project's size.
      for (let start = 0; start < customers.length; start += WRITE_BATCH) {
        const end = Math.min(start + WRITE_BATCH, customers.length);
        const rows = [];
        for (let i = start; i < end; i++) {
          const segment = saved[clustering.labels[i]!]!;
          rows.push({
            ...rfm[i]!,
            rfm_r_score: scores[i]!.r,
            rfm_f_score: scores[i]!.f,
            rfm_m_score: scores[i]!.m,
            rfm_segment: rfmSegments[i]!,
            abc_category: abc[i]!,
            segment_id: segment.id,
            segment_label: segment.name,
          });
        }
        await saveSegmentation(trx, rows);
      }
      await saveUnscoredRfm(trx, unscored);
      await insertModelRun(trx, {
        project_id: project.id,
        organization_id: project.organization_id,
        job_id: input.jobId,
        kind: "segmentation",
        parameters: {
          k_range: { min: kMin, max: kMax },
          seed,
          reference_date: referenceDate.toISOString(),
          features: ["recency (log)", "frequency (log)", "monetary (log)"],
        },
        metrics: {
          k: clustering.k,
          reason: clustering.reason,
          diagnostics: clustering.diagnostics,
          stability: {
            agreement: stability.agreement,
            runs: stability.runs,
            sample_size: stability.sampleSize,
          },
          names: names.map((n) => ({
            label: n.label,
            kind: n.kind,
            size: n.size,
            position: n.position,
            median: n.median,
          })),
        },
        durations_ms: durations,
        data_size: { customers: customers.length },
        scoring: { ...scoring(saved) },
      });
      return saved;
    }),
  );
  await time("analyze", () => refreshStatistics(db, ["customers"]));
  await report(90, "Indexing customers for similarity");
  const similarityIndex = await time("embeddings_write", () =>
    replaceEmbeddings(
      db,
      project.id,
      customers.map((c, i) => ({ customer_id: c.id, embedding: toVectorText(embeddings[i]!) })),
    ),
  );
  return {
    status: "completed",
    result: {
      mode: "full",
      mode_reason: scoringMode.reason,
      customers: customers.length,
      k: clustering.k,
      reason: clustering.reason,
      segments: segments.map((s) => s.name),
      reference_date: referenceDate.toISOString(),
      durations_ms: durations,
      embeddings: similarityIndex,
    },
    message: `Found ${clustering.k} segments among ${customers.length.toLocaleString("en-US")} customers`,
  };
}
