import { Link } from "../router.js";
import { useApp } from "../state.js";
import { BucketChart, SegmentSizesChart } from "../ui/charts.js";
import { Async, Empty } from "../ui/feedback.js";
import { useLoad } from "../ui/hooks.js";
import { Stat } from "../ui/table.js";

export function OverviewPage() {
  const { client, project, t, fmt } = useApp();
  const overview = useLoad(() => client.projects.overview(project!.id), [project!.id]);
  const currency = project!.settings.currency;
  return (
    <>
      <h1>{project!.name}</h1>
      {project!.description && <p class="lead">{project!.description}</p>}
      <Async state={overview}>
        {(o) =>
          o.totals.customers === 0 ? (
            <Empty title={t("overview.empty")}>
              <p>{t("overview.emptyBody")}</p>
              <Link href="/data" class="button primary">
                {t("overview.upload")}
              </Link>
            </Empty>
          ) : (
            <>
              <dl class="kpis">
                <div class="kpi">
                  <dt>{t("overview.customers")}</dt>
                  <dd>{fmt.number(o.totals.customers)}</dd>
                </div>
                <div class="kpi">
                  <dt>{t("overview.transactions")}</dt>
                  <dd>{fmt.number(o.totals.transactions)}</dd>
                </div>
                <div class="kpi">
                  <dt>{t("overview.revenue")}</dt>
                  <dd>{fmt.money(o.totals.revenue, currency)}</dd>
                </div>
                <div class="kpi">
                  <dt>{t("overview.k")}</dt>
                  <dd>{o.kmeans ? o.kmeans.k : "—"}</dd>
                </div>
              </dl>
              <div class="grid two">
                <section class="card" aria-labelledby="seg-title">
                  <h2 id="seg-title">{t("chart.segmentSizes")}</h2>
                  {o.segments.length === 0 ? (
                    <p class="meta">{t("overview.noSegments")}</p>
                  ) : (
                    <SegmentSizesChart segments={o.segments} />
                  )}
                </section>
                <section class="card" aria-labelledby="risk-title">
                  <h2 id="risk-title">{t("overview.churnRisk")}</h2>
                  <BucketChart
                    title={t("overview.churnRisk")}
                    buckets={(["low", "medium", "high"] as const).map((r) => ({
                      label: t(`risk.${r}`),
                      count: o.churn_risk[r],
                    }))}
                  />
                  <h2>{t("overview.abc")}</h2>
                  <BucketChart
                    title={t("overview.abc")}
                    buckets={(["A", "B", "C"] as const).map((c) => ({ label: c, count: o.abc[c] }))}
                  />
                </section>
              </div>
              <section class="card" aria-labelledby="runs-title">
                <h2 id="runs-title">{t("overview.lastRuns")}</h2>
                <dl class="stats">
                  {(["ingest", "segmentation", "predictive", "action"] as const).map((stage) => (
                    <Stat
                      key={stage}
                      label={t(`stage.${stage}`)}
                      value={o.last_runs[stage] ? fmt.dateTime(o.last_runs[stage]) : t("overview.never")}
                    />
                  ))}
                </dl>
              </section>
            </>
          )
        }
      </Async>
    </>
  );
}
