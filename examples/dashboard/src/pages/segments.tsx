import type { Schema } from "@segmento/sdk";
import { useEffect, useState } from "preact/hooks";
import { fromDocument, toDocument } from "../lib/filters.js";
import type { Followed } from "../lib/pipeline.js";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { RfmGridChart, SegmentSizesChart } from "../ui/charts.js";
import { Async, Empty, ErrorNote, Loading } from "../ui/feedback.js";
import { FilterBuilder } from "../ui/filter-builder.js";
import { ConfirmButton, Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { RunProgress } from "../ui/run-progress.js";
import { DataTable, num, Stat } from "../ui/table.js";

type Segment = Schema<"Segment">;

export function SegmentsPage() {
  const { client, project, t } = useApp();
  const segments = useLoad(() => client.segments.list(project!.id), [project!.id]);
  const overview = useLoad(() => client.projects.overview(project!.id), [project!.id]);
  const [editing, setEditing] = useState<Segment | "new" | undefined>(undefined);
  const [followed, setFollowed] = useState<Followed | undefined>(undefined);
  const rerun = useAction(async () => {
    const queued = await client.segments.run(project!.id);
    setFollowed(queued.run_id ? { run: queued.run_id } : { job: queued.job_id });
  });
  const reload = () => {
    segments.reload();
    overview.reload();
  };
  return (
    <>
      <div class="row spread">
        <h1>{t("nav.segments")}</h1>
        <div class="row">
          <button type="button" class="primary" onClick={() => setEditing("new")}>
            {t("segments.new")}
          </button>
          <button type="button" onClick={() => rerun.run()} disabled={rerun.pending}>
            {t("segments.rerun")}
          </button>
        </div>
      </div>
      <ErrorNote error={rerun.error} />
      {followed && (
        <section class="card">
          <RunProgress
            followed={followed}
            onDone={(outcome) => {
              // A skipped run stays on screen: its reason (e.g. the plan's model runs are used up) matters.
              if (outcome.status === "completed") setFollowed(undefined);
              reload();
            }}
          />
        </section>
      )}
      {editing && (
        <SegmentEditor
          segment={editing === "new" ? undefined : editing}
          clusters={(segments.data?.segments ?? []).filter((s) => s.kind === "cluster")}
          onClose={(changed) => {
            setEditing(undefined);
            if (changed) reload();
          }}
        />
      )}
      <Async state={segments}>
        {({ segments: list }) =>
          list.length === 0 ? (
            <Empty title={t("segments.none")}>
              <p>
                {t("segments.noneBody")} <Link href="/data">{t("nav.data")}</Link>
              </p>
            </Empty>
          ) : (
            <>
              <div class="grid two">
                <section class="card" aria-labelledby="sizes-title">
                  <h2 id="sizes-title">{t("chart.segmentSizes")}</h2>
                  <SegmentSizesChart
                    segments={list.map((s) => ({ label: s.name, count: s.customer_count }))}
                  />
                </section>
                <section class="card" aria-labelledby="grid-title">
                  <h2 id="grid-title">{t("chart.rfmGrid")}</h2>
                  <Async state={overview}>
                    {(o) =>
                      o.rfm_grid.length === 0 ? (
                        <p class="meta">{t("segments.noGrid")}</p>
                      ) : (
                        <RfmGridChart grid={o.rfm_grid} />
                      )
                    }
                  </Async>
                </section>
              </div>
              <section class="card" aria-labelledby="list-title">
                <h2 id="list-title">{t("segments.list")}</h2>
                <SegmentTable segments={list} onEdit={setEditing} onDeleted={reload} />
              </section>
            </>
          )
        }
      </Async>
    </>
  );
}

function SegmentTable({
  segments,
  onEdit,
  onDeleted,
}: {
  segments: Segment[];
  onEdit(segment: Segment): void;
  onDeleted(): void;
}) {
  const { client, project, t, fmt } = useApp();
  const remove = useAction(async (segment: Segment) => {
    await client.segments.delete(segment.id);
    onDeleted();
  });
  const currency = project!.settings.currency;
  return (
    <>
      <ErrorNote error={remove.error} />
      <DataTable
        columns={[
          t("segments.name"),
          t("segments.kind"),
          num(t("chart.customers")),
          num(t("stats.recency")),
          num(t("stats.frequency")),
          num(t("stats.monetary")),
          num(t("stats.churn")),
          "actions",
        ]}
      >
        {segments.map((s) => (
          <tr key={s.id}>
            <td>
              <strong>{s.name}</strong>
              {s.description && <div class="meta">{s.description}</div>}
            </td>
            <td>
              <span class={`pill kind-${s.kind}`}>{t(`kind.${s.kind}`)}</span>
            </td>
            <td class="num">{fmt.number(s.customer_count)}</td>
            <td class="num">{fmt.number(s.stats.avg_recency_days)}</td>
            <td class="num">{fmt.number(s.stats.avg_frequency, 1)}</td>
            <td class="num">{fmt.money(s.stats.avg_monetary, currency)}</td>
            <td class="num">
              {s.stats.avg_churn_score === null ? "—" : fmt.percent(s.stats.avg_churn_score)}
            </td>
            <td class="actions">
              <button type="button" onClick={() => onEdit(s)}>
                {t("common.edit")}
              </button>
              {s.kind !== "cluster" && (
                <ConfirmButton
                  label={t("common.delete")}
                  question={t("segments.confirmDelete", { name: s.name })}
                  pending={remove.pending}
                  onConfirm={() => remove.run(s)}
                />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/** Create or edit a rule / hybrid segment (a cluster: its name and description), with a live preview. */
function SegmentEditor({
  segment,
  clusters,
  onClose,
}: {
  segment: Segment | undefined;
  clusters: Segment[];
  onClose(changed: boolean): void;
}) {
  const { client, project, t } = useApp();
  const isCluster = segment?.kind === "cluster";
  const [name, setName] = useState(segment?.name ?? "");
  const [description, setDescription] = useState(segment?.description ?? "");
  const [kind, setKind] = useState<"rule" | "hybrid">(segment?.kind === "hybrid" ? "hybrid" : "rule");
  const [base, setBase] = useState(segment?.base_segment_id ?? clusters[0]?.id ?? "");
  const [combine, setCombine] = useState<"narrow" | "widen">(segment?.combine ?? "narrow");
  const [rules, setRules] = useState(() => fromDocument(segment?.rules));
  const document = toDocument(rules);
  const save = useAction(async () => {
    const hybrid = kind === "hybrid" ? { base_segment_id: base, combine } : {};
    if (!segment) {
      await client.segments.create(project!.id, {
        name,
        description: description || null,
        kind,
        rules: document,
        ...hybrid,
      });
    } else if (isCluster) {
      await client.segments.update(segment.id, { name, description: description || null });
    } else {
      await client.segments.update(segment.id, {
        name,
        description: description || null,
        rules: document,
        ...(segment.kind === "hybrid" && { combine }),
      });
    }
    onClose(true);
  });
  return (
    <section class="card editor" aria-labelledby="editor-title">
      <h2 id="editor-title">{segment ? t("segments.edit", { name: segment.name }) : t("segments.new")}</h2>
      <Form onSubmit={() => save.run()}>
        <div class="grid two">
          <Field label={t("segments.name")}>
            <input
              name="name"
              required
              maxLength={100}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </Field>
          <Field label={t("segments.description")}>
            <input
              maxLength={500}
              value={description}
              onInput={(e) => setDescription(e.currentTarget.value)}
            />
          </Field>
        </div>
        {!isCluster && (
          <>
            <div class="grid three">
              <Field label={t("segments.kind")}>
                <select
                  value={kind}
                  disabled={Boolean(segment)}
                  onChange={(e) => setKind(e.currentTarget.value as "rule" | "hybrid")}
                >
                  <option value="rule">{t("kind.rule")}</option>
                  <option value="hybrid" disabled={clusters.length === 0}>
                    {t("kind.hybrid")}
                  </option>
                </select>
              </Field>
              {kind === "hybrid" && (
                <>
                  <Field label={t("segments.base")}>
                    <select
                      value={base}
                      disabled={Boolean(segment)}
                      onChange={(e) => setBase(e.currentTarget.value)}
                    >
                      {clusters.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field label={t("segments.combine")}>
                    <select
                      value={combine}
                      onChange={(e) => setCombine(e.currentTarget.value as "narrow" | "widen")}
                    >
                      <option value="narrow">{t("segments.narrow")}</option>
                      <option value="widen">{t("segments.widen")}</option>
                    </select>
                  </Field>
                </>
              )}
            </div>
            <h3>{t("segments.rules")}</h3>
            <FilterBuilder value={rules} onChange={setRules} />
            <Preview kind={kind} base={base} combine={combine} rules={JSON.stringify(document)} />
          </>
        )}
        <ErrorNote error={save.error} />
        <div class="row">
          <Submit pending={save.pending}>{segment ? t("common.save") : t("segments.create")}</Submit>
          <button type="button" onClick={() => onClose(false)}>
            {t("common.cancel")}
          </button>
        </div>
      </Form>
    </section>
  );
}

/** What the rules select right now, asked again a moment after each change. */
function Preview({
  kind,
  base,
  combine,
  rules,
}: {
  kind: "rule" | "hybrid";
  base: string;
  combine: string;
  rules: string;
}) {
  const { client, project, t, fmt } = useApp();
  const [settled, setSettled] = useState(rules);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(rules), 350);
    return () => clearTimeout(timer);
  }, [rules]);
  const preview = useLoad(
    () =>
      client.segments.preview(project!.id, {
        kind,
        rules: JSON.parse(settled),
        sample_size: 5,
        ...(kind === "hybrid" && { base_segment_id: base, combine: combine as "narrow" | "widen" }),
      }),
    [project!.id, kind, base, combine, settled],
  );
  const currency = project!.settings.currency;
  return (
    <div class="preview" aria-live="polite">
      <h3>{t("segments.preview")}</h3>
      {preview.loading && <Loading label={t("segments.previewing")} />}
      <ErrorNote error={preview.error} />
      {preview.data && !preview.loading && (
        <>
          <p class="big" data-testid="preview-count">
            {t("segments.matches", { count: fmt.number(preview.data.count) })}
          </p>
          <dl class="stats">
            <Stat label={t("stats.recency")} value={fmt.number(preview.data.stats.avg_recency_days)} />
            <Stat label={t("stats.frequency")} value={fmt.number(preview.data.stats.avg_frequency, 1)} />
            <Stat label={t("stats.monetary")} value={fmt.money(preview.data.stats.avg_monetary, currency)} />
            <Stat
              label={t("stats.churn")}
              value={
                preview.data.stats.avg_churn_score === null
                  ? "—"
                  : fmt.percent(preview.data.stats.avg_churn_score)
              }
            />
            <Stat
              label={t("stats.risk")}
              value={
                <>
                  {t("risk.high")} {preview.data.stats.churn_risk.high} · {t("risk.medium")}{" "}
                  {preview.data.stats.churn_risk.medium} · {t("risk.low")} {preview.data.stats.churn_risk.low}
                </>
              }
            />
            <Stat
              label={t("stats.abc")}
              value={
                <>
                  A {preview.data.stats.abc.A} · B {preview.data.stats.abc.B} · C {preview.data.stats.abc.C}
                </>
              }
            />
          </dl>
          {preview.data.sample.length > 0 && (
            <p class="meta">
              {t("segments.sample")} {preview.data.sample.map((c) => c.customer_id).join(", ")}
            </p>
          )}
        </>
      )}
    </div>
  );
}
