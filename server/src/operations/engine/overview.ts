import { groupStats } from "../../db/customers.js";
import { latestModelRun } from "../../db/model-runs.js";
import { clusterCounts, lastRuns, projectTotals, rfmGrid } from "../../db/overview.js";
import { requireProject } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";
import { presentModels } from "./present-models.js";

type Diagnostic = { k: number; inertia: number; silhouette: number | null };
type Stability = { agreement: number; runs: { seed: number; k: number }[]; sample_size: number };
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const getProjectOverview = defineOperation(
  "getProjectOverview",
  async ({ app, principal, params }) => {
    const db = app.db.knex;
    const { project } = await requireProject(db, principal, params.projectId);
    const [totals, segments, all, grid, runs, segmentation, predictive] = await Promise.all([
      projectTotals(db, project.id),
      clusterCounts(db, project.id),
      groupStats(db, project.id, []),
      rfmGrid(db, project.id),
      lastRuns(db, project.id),
      latestModelRun(db, project.id, "segmentation"),
      latestModelRun(db, project.id, "predictive"),
    ]);
    const kmeans = segmentation?.metrics as
      | { k: number; reason: string; diagnostics: Diagnostic[]; stability?: Stability }
      | undefined;
    const kRange = segmentation?.parameters.k_range as { min: number; max: number } | undefined;
    const models = predictive ? presentModels(predictive, project.settings) : null;
    return {
      status: 200,
      body: {
        project_id: project.id,
        totals,
        segments,
        churn_risk: all.churn_risk,
        abc: all.abc,
        rfm_grid: grid,
        // The k = 1 anchor of the elbow curve is not a clustering: diagnostics list real choices only.
        kmeans:
          kmeans && kRange && kmeans.k >= 2
            ? {
                k: kmeans.k,
                reason: kmeans.reason,
                k_range: kRange,
                diagnostics: kmeans.diagnostics
                  .filter((d) => d.k >= 2 && d.silhouette !== null)
                  .map((d) => ({ k: d.k, inertia: d.inertia, silhouette: d.silhouette as number })),
                stability: kmeans.stability ?? null,
              }
            : null,
        models: models ?? { churn: null, uplift: null, clv: null },
        last_runs: {
          ingest: iso(runs.ingest ?? null),
          segmentation: iso(runs.segmentation ?? null),
          predictive: iso(runs.predictive ?? null),
          action: iso(runs.action ?? null),
        },
      },
    };
  },
);
