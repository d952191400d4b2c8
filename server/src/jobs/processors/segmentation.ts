import { createHash } from "node:crypto";
import { modelRunQuotaError } from "../../billing/quotas.js";
import { bulkUpdateById } from "../../db/bulk-update.js";
import {
  computeRfm,
  loadCustomerFeatures,
  referenceDateOf,
  replaceEmbeddings,
} from "../../db/customer-metrics.js";
import { insertModelRun } from "../../db/model-runs.js";
import { findProject } from "../../db/projects.js";
import { replaceClusterSegments } from "../../db/segments.js";
import { abcClasses } from "../../engine/abc.js";
import { customerEmbeddings, toVectorText } from "../../engine/embedding.js";
import { clusterCustomers, scaleFeatures } from "../../engine/kmeans.js";
import { nameClusters, rfmScores } from "../../engine/rfm-scores.js";
import { translate } from "../../i18n/index.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";
import { stepTimer } from "./step-timer.js";

/** A project's runs are reproducible: every random choice is seeded from its id. */
export const projectSeed = (projectId: string) =>
  Number.parseInt(createHash("sha256").update(projectId).digest("hex").slice(0, 8), 16);

/**
 * The segmentation stage: RFM in SQL as of the reference date, RFM scores and ABC classes, K-Means with an
 * automatically chosen k on log-scaled R, F and M, a human name per cluster, and each customer's embedding.
 * All results are written in one transaction, with the model run that produced them.
 */
export const segmentProject: Processor = async (ctx, app, report) => {
  const db = app.db.knex;
  const project = await findProject(db, ctx.data.projectId);
  if (!project) throw new PermanentJobError(`project ${ctx.data.projectId} no longer exists`);
  const overQuota = await modelRunQuotaError(db, project.organization_id);
  if (overQuota) return { result: {}, skipped: translate("en", overQuota.messageKey, overQuota.params) };
  const referenceDate = await referenceDateOf(db, project.id, project.settings.referenceDate);
  if (!referenceDate)
    return { result: {}, skipped: "The project has no transactions yet, so there is nothing to segment." };

  const { durations, time } = stepTimer();

  await report(5, "Computing RFM");
  await time("rfm", () => computeRfm(db, project.id, referenceDate));
  const customers = await time("load", () => loadCustomerFeatures(db, project.id, referenceDate));
  if (customers.length === 0)
    return { result: {}, skipped: "No customer has a transaction up to the reference date." };

  await report(20, `Scoring ${customers.length.toLocaleString("en-US")} customers`);
  const scores = await time("scores", () => rfmScores(customers));
  const abc = await time("abc", () => abcClasses(customers.map((c) => c.monetary)));

  await report(30, "Clustering");
  const seed = projectSeed(project.id);
  const { kMin, kMax } = project.settings;
  const clustering = await time("clustering", () => {
    const { scaled } = scaleFeatures(
      customers.map((c) => [c.recencyDays, c.frequency, Math.max(0, c.monetary)]),
      [true, true, true],
    );
    return clusterCustomers(scaled, { kMin, kMax, seed });
  });

  await report(70, "Naming segments");
  const clusterScores = meanScoresByCluster(clustering.labels, scores, clustering.k);
  const names = nameClusters(clusterScores);
  const embeddings = await time("embeddings", () => customerEmbeddings(customers));

  await report(80, "Saving results");
  const segments = await time("write", () =>
    db.transaction(async (trx) => {
      const saved = await replaceClusterSegments(
        trx,
        project.id,
        names.map((name, cluster) => ({ ...name, centroid: { ...clusterScores[cluster]! } })),
      );
      await bulkUpdateById(
        trx,
        "customers",
        customers.map((customer, i) => {
          const segment = saved[clustering.labels[i]!]!;
          return {
            id: customer.id,
            rfm_r_score: scores[i]!.r,
            rfm_f_score: scores[i]!.f,
            rfm_m_score: scores[i]!.m,
            abc_category: abc[i]!,
            segment_id: segment.id,
            segment_label: segment.name,
          };
        }),
        {
          rfm_r_score: "smallint",
          rfm_f_score: "smallint",
          rfm_m_score: "smallint",
          abc_category: "text",
          segment_id: "uuid",
          segment_label: "text",
        },
      );
      await insertModelRun(trx, {
        project_id: project.id,
        organization_id: project.organization_id,
        job_id: ctx.id,
        kind: "segmentation",
        parameters: {
          k_range: { min: kMin, max: kMax },
          seed,
          reference_date: referenceDate.toISOString(),
          features: ["recency (log)", "frequency (log)", "monetary (log)"],
        },
        metrics: { k: clustering.k, reason: clustering.reason, diagnostics: clustering.diagnostics },
        durations_ms: durations,
        data_size: { customers: customers.length },
      });
      return saved;
    }),
  );
  await report(90, "Indexing customers for similarity");
  await time("embeddings_write", () =>
    replaceEmbeddings(
      db,
      project.id,
      customers.map((c, i) => ({ customer_id: c.id, embedding: toVectorText(embeddings[i]!) })),
    ),
  );
  return {
    result: {
      customers: customers.length,
      k: clustering.k,
      reason: clustering.reason,
      segments: segments.map((s) => s.name),
      reference_date: referenceDate.toISOString(),
      durations_ms: durations,
    },
    message: `Found ${clustering.k} segments among ${customers.length.toLocaleString("en-US")} customers`,
  };
};

/** Each cluster's mean R, F and M score: what its name is chosen from. */
function meanScoresByCluster(labels: number[], scores: { r: number; f: number; m: number }[], k: number) {
  const sums = Array.from({ length: k }, () => ({ r: 0, f: 0, m: 0, n: 0 }));
  labels.forEach((label, i) => {
    const sum = sums[label]!;
    sum.r += scores[i]!.r;
    sum.f += scores[i]!.f;
    sum.m += scores[i]!.m;
    sum.n += 1;
  });
  return sums.map(({ r, f, m, n }) => ({ r: r / (n || 1), f: f / (n || 1), m: m / (n || 1) }));
}
