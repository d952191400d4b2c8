import type { Knex } from "knex";
import { countEmbeddings, writeChangedEmbeddings } from "../../db/customer-embeddings.js";
import { loadCustomerRfm, saveSegmentation, saveUnscoredRfm } from "../../db/customer-metrics.js";
import { refreshStatistics } from "../../db/statistics.js";
import { toVectorText } from "../../engine/embedding.js";
import type { EngineRunner } from "./engine.js";
import type { Progress } from "./progress.js";
import type { ScoringMode } from "./scoring-mode.js";
import { stepTimer } from "./step-timer.js";

export interface Rescored {
  customers: number;
  embeddingsWritten: number;
  embeddingsTotal: number;
  durations: Record<string, number>;
}

/**
 * An incremental segmentation: only the customers changed since the last full run get their RFM (in SQL),
 * scores, grid segment, ABC class, cluster segment (the nearest stored centroid) and embedding, all against
 * that run's stored models; nobody else is read or written, and no model is refitted.
 */
export async function rescoreChangedCustomers(
  deps: { db: Knex; engine: EngineRunner },
  projectId: string,
  referenceDate: Date,
  mode: Extract<ScoringMode, { mode: "incremental" }>,
  report: Progress,
): Promise<Rescored> {
  const { db } = deps;
  const { durations, time } = stepTimer();
  const { scoring, changesAfter } = mode;
  await report(10, `Re-scoring ${mode.changed.toLocaleString("en-US")} changed customers`);
  const { customers, rfm, unscored } = await time("rfm", () =>
    loadCustomerRfm(db, projectId, referenceDate, changesAfter),
  );
  const scored = await time("model", () =>
    deps.engine.run("rescoreCustomers", { model: scoring.model, customers }),
  );
  await report(70, "Saving results");
  await time("write", () =>
    db.transaction(async (trx) => {
      await saveSegmentation(
        trx,
        customers.map((_, i) => {
          const segment = scoring.segments[scored.labels[i]!]!;
          return {
            ...rfm[i]!,
            rfm_r_score: scored.scores[i]!.r,
            rfm_f_score: scored.scores[i]!.f,
            rfm_m_score: scored.scores[i]!.m,
            rfm_segment: scored.rfmSegments[i]!,
            abc_category: scored.abc[i]!,
            segment_id: segment.id,
            segment_label: segment.name,
          };
        }),
      );
      await saveUnscoredRfm(trx, unscored);
    }),
  );
  const embeddingsWritten = await time("embeddings_write", () =>
    writeChangedEmbeddings(
      db,
      projectId,
      customers.map((c, i) => ({ customer_id: c.id, embedding: toVectorText(scored.embeddings[i]!) })),
    ),
  );
  await time("analyze", () => refreshStatistics(db, ["customers"]));
  return {
    customers: customers.length,
    embeddingsWritten,
    embeddingsTotal: await countEmbeddings(db, projectId),
    durations,
  };
}
