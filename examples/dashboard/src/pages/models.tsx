import type { Schema } from "@segmento/sdk";
import type { ComponentChildren } from "preact";
import { type Formats, isMessageKey, type Translate } from "../i18n/index.js";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { CandidatesChart, KSelectionChart, QiniChart } from "../ui/charts.js";
import { Async, Empty } from "../ui/feedback.js";
import { useLoad } from "../ui/hooks.js";
import { DataTable, num, Stat } from "../ui/table.js";

type Overview = Schema<"ProjectOverview">;
type Candidate = Schema<"ModelCandidate">;
type Warning = Schema<"ModelWarning">;
type Interval = Schema<"EffectInterval">;

/**
 * The models behind the scores, from the project overview: for each model the one chosen and why, every
 * candidate's backtest metric, the data-sufficiency warnings and the features read; k's selection curves and its
 * stability across seeds; CLV's identifiability; uplift's average effect with its interval, its Qini against
 * random scoring and its Qini curve. A model that is not estimable says so, and why, at the top of its card.
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
          <>
            <p class="meta">
              {t("models.lastRun", {
                when: o.last_runs.predictive ? fmt.dateTime(o.last_runs.predictive) : t("overview.never"),
              })}
            </p>
            <div class="grid two">
              <Model title={t("models.kmeans")} missing={!o.kmeans}>
                {o.kmeans && <KMeansModel kmeans={o.kmeans} />}
              </Model>
              <Model title={t("models.churn")} missing={!o.models.churn}>
                {o.models.churn && <ChurnModel churn={o.models.churn} />}
              </Model>
              <Model title={t("models.clv")} missing={!o.models.clv}>
                {o.models.clv && <ClvModel clv={o.models.clv} />}
              </Model>
              <Model title={t("models.uplift")} missing={!o.models.uplift} emptyHint={t("models.upliftNone")}>
                {o.models.uplift && <UpliftModel uplift={o.models.uplift} />}
              </Model>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

function KMeansModel({ kmeans }: { kmeans: NonNullable<Overview["kmeans"]> }) {
  const { t, fmt } = useApp();
  const stability = kmeans.stability;
  return (
    <>
      <p>{t("models.kChosen", { k: kmeans.k, min: kmeans.k_range.min, max: kmeans.k_range.max })}</p>
      <p class="meta">{kmeans.reason}</p>
      <KSelectionChart kmeans={kmeans} />
      <h3>{t("models.stability")}</h3>
      {stability === null ? (
        <p class="note muted">{t("models.stabilityUnknown")}</p>
      ) : (
        <>
          <p class={`note ${stability.agreement < 0.6 ? "warn" : "muted"}`}>
            {t("models.stabilityText", {
              share: fmt.percent(stability.agreement),
              runs: stability.runs.length,
              k: kmeans.k,
              sample: fmt.number(stability.sample_size),
            })}
          </p>
          <ul class="chips" aria-label={t("models.seeds")}>
            {stability.runs.map((run) => (
              <li key={run.seed} class={run.k === kmeans.k ? "same" : "other"}>
                {t("models.seedChose", { seed: run.seed, k: run.k })}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ChurnModel({ churn }: { churn: NonNullable<Overview["models"]["churn"]> }) {
  const { t, fmt } = useApp();
  return (
    <>
      {churn.auc === null && <NotEstimable text={t("models.noBacktest")} />}
      <dl class="stats">
        <Stat label={t("models.model")} value={modelName(t, churn.model)} />
        <Stat label={t("models.auc")} value={metric(fmt, churn.auc)} />
        <Stat label={t("models.horizon")} value={t("models.days", { n: churn.horizon_days })} />
        {churn.sample && (
          <Stat
            label={t("models.backtestCustomers")}
            value={t("models.sampleOf", {
              used: fmt.number(churn.sample.used),
              available: fmt.number(churn.sample.available),
            })}
          />
        )}
      </dl>
      <Choice text={churn.choice} />
      <Candidates candidates={churn.candidates} chosen={churn.model} title={t("models.candidatesAuc")} />
      <Warnings warnings={churn.warnings} />
      <Features features={churn.features} />
    </>
  );
}

function ClvModel({ clv }: { clv: NonNullable<Overview["models"]["clv"]> }) {
  const { t, fmt } = useApp();
  const identifiability = clv.identifiability;
  return (
    <>
      {clv.spearman === null && <NotEstimable text={t("models.clvNoBacktest")} />}
      <dl class="stats">
        <Stat label={t("models.model")} value={modelName(t, clv.model)} />
        <Stat label={t("models.spearman")} value={metric(fmt, clv.spearman)} />
        <Stat label={t("models.horizon")} value={t("models.months", { n: clv.horizon_months })} />
        {clv.backtest && (
          <>
            <Stat label={t("models.backtestCutoff")} value={fmt.date(clv.backtest.cutoff)} />
            <Stat
              label={t("models.backtestWindow")}
              value={t("models.days", { n: fmt.number(clv.backtest.horizon_days) })}
            />
            <Stat label={t("models.backtestCustomers")} value={fmt.number(clv.backtest.customers)} />
          </>
        )}
      </dl>
      <Choice text={clv.choice} />
      <h3>{t("models.identifiability")}</h3>
      {identifiability === null ? (
        <p class="note muted">{t("models.bgnbdNotFitted")}</p>
      ) : (
        <>
          <p class={`note ${identifiability.identified ? "success" : "warn"}`}>
            {identifiability.identified ? t("models.identified") : t("models.notIdentified")}
            {identifiability.reason && <span class="meta"> ({identifiability.reason})</span>}
          </p>
          <DataTable
            columns={[
              t("models.parameter"),
              num(t("models.estimate")),
              num(t("models.intervalLow")),
              num(t("models.intervalHigh")),
            ]}
          >
            {identifiability.intervals.map((interval) => (
              <tr key={interval.parameter}>
                <td>{interval.parameter}</td>
                <td class="num">{fmt.number(interval.estimate, 3)}</td>
                <td class="num">{bound(t, fmt, interval.low)}</td>
                <td class="num">{bound(t, fmt, interval.high)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      <Candidates candidates={clv.candidates} chosen={clv.model} title={t("models.candidatesSpearman")} />
      <Warnings warnings={clv.warnings} />
      <Features features={clv.features} />
    </>
  );
}

function UpliftModel({ uplift }: { uplift: NonNullable<Overview["models"]["uplift"]> }) {
  const { t, fmt } = useApp();
  const holdout = uplift.holdout;
  return (
    <>
      {uplift.status === "not_estimable" && (
        <NotEstimable text={t("models.notEstimable", { reason: uplift.reason ?? "" })} />
      )}
      {uplift.heterogeneity === false && <p class="note warn">{t("models.noHeterogeneity")}</p>}
      <dl class="stats">
        <Stat label={t("models.model")} value={uplift.model ? modelName(t, uplift.model) : "—"} />
        <Stat label={t("models.treated")} value={fmt.number(uplift.treated)} />
        <Stat label={t("models.control")} value={fmt.number(uplift.control)} />
        <Stat label={t("models.qini")} value={metric(fmt, uplift.qini, 4)} />
        <Stat label={t("models.upliftAt30")} value={effect(fmt, uplift.uplift_at_30)} />
      </dl>
      {uplift.status === "estimated" && <Choice text={uplift.choice} />}
      {uplift.average_effect && (
        <EffectPlot title={t("models.averageEffect")} interval={uplift.average_effect} />
      )}
      {holdout && (
        <>
          <h3>{t("models.holdout", { n: fmt.number(holdout.exposures) })}</h3>
          <dl class="stats">
            <Stat label={t("models.qini")} value={metric(fmt, holdout.qini, 4)} />
            <Stat
              label={t("models.randomQini")}
              value={`${fmt.number(holdout.random_qini.mean, 4)} ± ${fmt.number(holdout.random_qini.sd, 4)}`}
            />
            <Stat label={t("models.upliftAt30")} value={effect(fmt, holdout.uplift_at_30)} />
          </dl>
          {holdout.qini !== null && holdout.random_qini.sd > 0 && (
            <p class="meta">
              {t("models.aboveRandom", {
                z: fmt.number((holdout.qini - holdout.random_qini.mean) / holdout.random_qini.sd, 1),
              })}
            </p>
          )}
          {holdout.average_effect && (
            <EffectPlot title={t("models.holdoutEffect")} interval={holdout.average_effect} />
          )}
        </>
      )}
      <QiniCurve uplift={uplift} />
      {uplift.candidates.length > 0 && (
        <Candidates
          candidates={uplift.candidates}
          chosen={uplift.model ?? ""}
          title={t("models.candidatesQini")}
        />
      )}
      <Warnings warnings={uplift.warnings} />
      <Features features={uplift.features} />
    </>
  );
}

/**
 * The served model's Qini curve on the held-out split against random targeting, or why there is none: uplift not
 * estimable (the server's reason), or a run recorded before the curve was kept. Without heterogeneity everyone
 * has the same score, so the curve IS random targeting's line: drawn, with a note saying so.
 */
function QiniCurve({ uplift }: { uplift: NonNullable<Overview["models"]["uplift"]> }) {
  const { t, fmt } = useApp();
  const holdout = uplift.holdout;
  const curve = holdout?.qini_curve ?? null;
  const empty = (title: string, body: string) => (
    <Empty title={title}>
      <p>{body}</p>
    </Empty>
  );
  return (
    <>
      <h3>{t("models.qiniCurve")}</h3>
      {uplift.status === "not_estimable" ? (
        empty(t("models.qiniCurveNone"), uplift.reason ?? "")
      ) : holdout === null || curve === null ? (
        empty(t("models.qiniCurveNone"), t("models.qiniCurveOlderRun"))
      ) : (
        <figure class="qini">
          <figcaption>
            {t("models.qiniCurveCaption", {
              qini: metric(fmt, holdout.qini, 4),
              treated: fmt.number(curve.treated),
              control: fmt.number(curve.control),
            })}
          </figcaption>
          {uplift.heterogeneity === false && <p class="note muted">{t("models.qiniCurveFlat")}</p>}
          <QiniChart curve={curve} />
        </figure>
      )}
    </>
  );
}

function Model({
  title,
  missing,
  emptyHint,
  children,
}: {
  title: string;
  missing: boolean;
  emptyHint?: string;
  children: ComponentChildren;
}) {
  const { t } = useApp();
  return (
    <section class="card model" aria-label={title}>
      <h2>{title}</h2>
      {missing ? (
        <Empty title={t("models.notYet")}>
          <p>
            {emptyHint ?? t("models.notYetBody")} <Link href="/data">{t("nav.data")}</Link>
          </p>
        </Empty>
      ) : (
        children
      )}
    </section>
  );
}

function NotEstimable({ text }: { text: string }) {
  return (
    <p class="note warn" role="status">
      {text}
    </p>
  );
}

/** Why the model serves, in the server's words. */
function Choice({ text }: { text: string | null }) {
  const { t } = useApp();
  if (!text) return null;
  return (
    <p class="choice">
      <strong>{t("models.why")}</strong> {text}
    </p>
  );
}

/** Every candidate (and baseline) with its metric, the chosen one marked, as a table and a bar chart. */
function Candidates({
  candidates,
  chosen,
  title,
}: {
  candidates: Candidate[];
  chosen: string;
  title: string;
}) {
  const { t, fmt } = useApp();
  if (candidates.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <DataTable columns={[t("models.model"), t("models.role"), num(title), t("models.note")]}>
        {candidates.map((c) => (
          <tr key={`${c.role}:${c.model}`} class={c.model === chosen ? "chosen" : undefined}>
            <td>
              {modelName(t, c.model)}
              {c.model === chosen && <span class="badge">{t("models.chosen")}</span>}
            </td>
            <td>
              {c.role === "baseline"
                ? t("models.baseline")
                : c.eligible
                  ? t("models.candidate")
                  : t("models.ineligible")}
            </td>
            <td class="num">{metric(fmt, c.value, c.metric === "qini" ? 4 : 3)}</td>
            <td class="meta">{c.note ?? ""}</td>
          </tr>
        ))}
      </DataTable>
      <CandidatesChart
        title={title}
        candidates={candidates.map((c) => ({
          label: modelName(t, c.model),
          value: c.value,
          baseline: c.role === "baseline",
          chosen: c.model === chosen,
        }))}
      />
    </>
  );
}

/** Data-sufficiency warnings: the server's English words, or their translation by code. */
function Warnings({ warnings }: { warnings: Warning[] }) {
  const { t, lang } = useApp();
  if (warnings.length === 0) return null;
  return (
    <div class="note warn">
      <strong>{t("models.warnings")}</strong>
      <ul class="details">
        {warnings.map((w) => {
          const key = `warning.${w.code}`;
          const text = lang !== "en" && isMessageKey(key) ? t(key, w.params) : w.message;
          return (
            <li key={w.code + JSON.stringify(w.params)}>
              {text} <code>{w.code}</code>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The features a model read: often dozens, so folded under their count. */
function Features({ features }: { features: string[] }) {
  const { t } = useApp();
  if (features.length === 0) return null;
  return (
    <details class="features">
      <summary>{t("models.features", { n: features.length })}</summary>
      <ul class="chips">
        {features.map((feature) => (
          <li key={feature}>
            <code>{feature}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * An effect with its 95 % interval on a line around zero: the interval's bar, the estimate's dot, and the
 * figures in words for assistive technology (the drawing is decoration).
 */
function EffectPlot({ title, interval }: { title: string; interval: Interval }) {
  const { t, fmt } = useApp();
  const reach = Math.max(Math.abs(interval.low), Math.abs(interval.high), Math.abs(interval.estimate), 1e-9);
  const x = (value: number) => 50 + (value / reach) * 45;
  const text = t("models.effectText", {
    estimate: effectPoints(fmt, interval.estimate),
    low: effectPoints(fmt, interval.low),
    high: effectPoints(fmt, interval.high),
  });
  const excludesZero = interval.low > 0 || interval.high < 0;
  return (
    <figure class="effect">
      <figcaption>
        <strong>{title}</strong>: {text}{" "}
        <span class="meta">
          {excludesZero ? t("models.effectSignificant") : t("models.effectCoversZero")}
        </span>
      </figcaption>
      <svg viewBox="0 0 100 12" aria-hidden="true" preserveAspectRatio="none">
        <line class="zero" x1="50" x2="50" y1="0" y2="12" />
        <line class="interval" x1={x(interval.low)} x2={x(interval.high)} y1="6" y2="6" />
        <circle class="estimate" cx={x(interval.estimate)} cy="6" r="1.6" />
      </svg>
    </figure>
  );
}

function modelName(t: Translate, model: string): string {
  const key = `model.${model}`;
  return isMessageKey(key) ? t(key) : model;
}

const metric = (fmt: Formats, value: number | null, digits = 3) =>
  value === null ? "—" : fmt.number(value, digits);

/** A difference of purchase rates, in percentage points. */
const effectPoints = (fmt: Formats, value: number) =>
  `${value > 0 ? "+" : ""}${fmt.number(value * 100, 1)} pp`;

const effect = (fmt: Formats, value: number | null) => (value === null ? "—" : effectPoints(fmt, value));

/** A profile-likelihood bound the data cannot fix is unbounded. */
const bound = (t: Translate, fmt: Formats, value: number | null) =>
  value === null ? t("models.unbounded") : fmt.number(value, 3);
