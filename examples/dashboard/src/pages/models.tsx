import type { ComponentChildren } from "preact";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { KSelectionChart } from "../ui/charts.js";
import { Async, Empty } from "../ui/feedback.js";
import { useLoad } from "../ui/hooks.js";
import { Stat } from "../ui/table.js";

/**
 * The models behind the scores, from the project overview. Metrics the API does not report yet (each churn
 * candidate's AUC, CLV's backtest quality, uplift's interval and Qini curve) say so instead of showing nothing.
 */
export function ModelsPage() {
  const { client, project, t, fmt } = useApp();
  const overview = useLoad(() => client.projects.overview(project!.id), [project!.id]);
  return (
    <>
      <h1>{t("nav.models")}</h1>
      <p class="lead">{t("models.intro")}</p>
      <Async state={overview}>
        {(o) => (
          <div class="grid two">
            <Model title={t("models.kmeans")} missing={!o.kmeans}>
              {o.kmeans && (
                <>
                  <p>
                    {t("models.kChosen", {
                      k: o.kmeans.k,
                      min: o.kmeans.k_range.min,
                      max: o.kmeans.k_range.max,
                    })}
                  </p>
                  <p class="meta">{o.kmeans.reason}</p>
                  <KSelectionChart kmeans={o.kmeans} />
                </>
              )}
            </Model>
            <Model title={t("models.churn")} missing={!o.models.churn}>
              {o.models.churn && (
                <>
                  <dl class="stats">
                    <Stat label={t("models.model")} value={t(`model.${o.models.churn.model}`)} />
                    <Stat
                      label={t("models.auc")}
                      value={o.models.churn.auc === null ? "—" : fmt.number(o.models.churn.auc, 3)}
                    />
                    <Stat
                      label={t("models.horizon")}
                      value={t("models.days", { n: o.models.churn.horizon_days })}
                    />
                  </dl>
                  {o.models.churn.auc === null && <p class="note warn">{t("models.noBacktest")}</p>}
                  <NotReported what={t("models.candidates")} />
                </>
              )}
            </Model>
            <Model title={t("models.clv")} missing={!o.models.clv}>
              {o.models.clv && (
                <>
                  <dl class="stats">
                    <Stat label={t("models.model")} value={t(`model.${o.models.clv.model}`)} />
                    <Stat
                      label={t("models.horizon")}
                      value={t("models.months", { n: o.models.clv.horizon_months })}
                    />
                  </dl>
                  <NotReported what={t("models.clvQuality")} />
                </>
              )}
            </Model>
            <Model title={t("models.uplift")} missing={!o.models.uplift}>
              {o.models.uplift && (
                <>
                  {o.models.uplift.reason && (
                    <p class="note warn" role="status">
                      {t("models.notEstimable", { reason: o.models.uplift.reason })}
                    </p>
                  )}
                  <dl class="stats">
                    <Stat
                      label={t("models.qini")}
                      value={o.models.uplift.qini === null ? "—" : fmt.number(o.models.uplift.qini, 4)}
                    />
                    <Stat
                      label={t("models.upliftAt30")}
                      value={
                        o.models.uplift.uplift_at_30 === null
                          ? "—"
                          : fmt.number(o.models.uplift.uplift_at_30, 3)
                      }
                    />
                  </dl>
                  <NotReported what={t("models.upliftInterval")} />
                </>
              )}
            </Model>
          </div>
        )}
      </Async>
    </>
  );
}

function Model({
  title,
  missing,
  children,
}: {
  title: string;
  missing: boolean;
  children: ComponentChildren;
}) {
  const { t } = useApp();
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {missing ? (
        <Empty title={t("models.notYet")}>
          <p>
            {t("models.notYetBody")} <Link href="/data">{t("nav.data")}</Link>
          </p>
        </Empty>
      ) : (
        children
      )}
    </section>
  );
}

/** A metric the product promises that this server's overview does not carry yet. */
function NotReported({ what }: { what: string }) {
  const { t } = useApp();
  return <p class="note muted">{t("models.notReported", { what })}</p>;
}
