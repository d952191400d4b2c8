import type { Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote, Loading } from "../ui/feedback.js";
import { ConfirmButton, Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { Pager } from "../ui/pager.js";
import { RunProgress } from "../ui/run-progress.js";
import { DataTable, num, Stat } from "../ui/table.js";

type Automation = Schema<"Automation">;
type TriggerType = Schema<"AutomationTrigger">["type"];
const TRIGGERS: TriggerType[] = ["manual", "segment_entry", "after_segmentation", "schedule"];

export function AutomationsPage() {
  const { client, project, t } = useApp();
  const projectId = project!.id;
  const automations = useLoad(() => client.automations.list(projectId), [projectId]);
  const segments = useLoad(() => client.segments.list(projectId), [projectId]);
  const integrations = useLoad(() => client.integrations.list(projectId), [projectId]);
  const segmentList = segments.data?.segments ?? [];
  const integrationList = integrations.data?.integrations ?? [];
  const ready = segments.data && integrations.data;
  return (
    <>
      <h1>{t("nav.automations")}</h1>
      <p class="lead">{t("automations.intro")}</p>
      <ErrorNote error={segments.error ?? integrations.error} />
      {!ready ? (
        <Loading />
      ) : segmentList.length === 0 || integrationList.length === 0 ? (
        <Empty title={t("automations.needs")}>
          <p>
            {segmentList.length === 0 && <Link href="/segments">{t("automations.needSegment")}</Link>}{" "}
            {integrationList.length === 0 && (
              <Link href="/integrations">{t("automations.needIntegration")}</Link>
            )}
          </p>
        </Empty>
      ) : (
        <NewAutomation segments={segmentList} integrations={integrationList} onCreated={automations.reload} />
      )}
      <section class="card" aria-labelledby="automations-title">
        <h2 id="automations-title">{t("automations.list")}</h2>
        <Async state={automations}>
          {({ automations: list }) =>
            list.length === 0 ? (
              <Empty title={t("automations.none")}>
                <p>{t("automations.noneBody")}</p>
              </Empty>
            ) : (
              <ul class="cards">
                {list.map((a) => (
                  <AutomationCard
                    key={a.id}
                    automation={a}
                    segment={segmentList.find((s) => s.id === a.segmentId)?.name ?? a.segmentId}
                    integration={
                      integrationList.find((i) => i.id === a.integrationId)?.name ?? a.integrationId
                    }
                    onChanged={automations.reload}
                  />
                ))}
              </ul>
            )
          }
        </Async>
      </section>
    </>
  );
}

function NewAutomation({
  segments,
  integrations,
  onCreated,
}: {
  segments: Schema<"Segment">[];
  integrations: Schema<"Integration">[];
  onCreated(): void;
}) {
  const { client, project, t } = useApp();
  const [name, setName] = useState("");
  const [segmentId, setSegmentId] = useState(segments[0]!.id);
  const [integrationId, setIntegrationId] = useState(integrations[0]!.id);
  const [trigger, setTrigger] = useState<TriggerType>("manual");
  const [cron, setCron] = useState("0 9 * * 1");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("Hi {{customer_id}}, we miss you!");
  const [holdout, setHoldout] = useState("10");
  const [active, setActive] = useState(true);
  const create = useAction(async () => {
    await client.automations.create(project!.id, {
      name,
      segmentId,
      integrationId,
      trigger: trigger === "schedule" ? { type: trigger, cron } : { type: trigger },
      template: { body, ...(subject && { subject }) },
      holdoutPct: Number(holdout),
      status: active ? "active" : "paused",
    });
    setName("");
    onCreated();
  });
  return (
    <section class="card" aria-labelledby="new-automation-title">
      <h2 id="new-automation-title">{t("automations.create")}</h2>
      <Form onSubmit={() => create.run()}>
        <div class="grid three">
          <Field label={t("automations.name")}>
            <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label={t("automations.segment")}>
            <select value={segmentId} onChange={(e) => setSegmentId(e.currentTarget.value)}>
              {segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("automations.integration")}>
            <select value={integrationId} onChange={(e) => setIntegrationId(e.currentTarget.value)}>
              {integrations.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name} ({t(`channel.${i.channel}`)})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("automations.trigger")}>
            <select value={trigger} onChange={(e) => setTrigger(e.currentTarget.value as TriggerType)}>
              {TRIGGERS.map((tr) => (
                <option key={tr} value={tr}>
                  {t(`trigger.${tr}`)}
                </option>
              ))}
            </select>
          </Field>
          {trigger === "schedule" && (
            <Field label={t("automations.cron")} hint={t("automations.cronHint")}>
              <input
                required
                pattern="\S+( \S+){4}"
                value={cron}
                onInput={(e) => setCron(e.currentTarget.value)}
              />
            </Field>
          )}
          <Field label={t("automations.holdout")} hint={t("automations.holdoutHint")}>
            <input
              type="number"
              min={0}
              max={50}
              step="any"
              required
              value={holdout}
              onInput={(e) => setHoldout(e.currentTarget.value)}
            />
          </Field>
        </div>
        <Field label={t("automations.subject")}>
          <input maxLength={200} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
        <Field label={t("automations.body")} hint={t("automations.bodyHint")}>
          <textarea
            required
            rows={3}
            maxLength={10000}
            value={body}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
        </Field>
        <label class="check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          {t("automations.activeNow")}
        </label>
        <ErrorNote error={create.error} />
        <Submit pending={create.pending}>{t("automations.create")}</Submit>
      </Form>
    </section>
  );
}

function AutomationCard({
  automation: a,
  segment,
  integration,
  onChanged,
}: {
  automation: Automation;
  segment: string;
  integration: string;
  onChanged(): void;
}) {
  const { client, t, fmt } = useApp();
  const [runJobId, setRunJobId] = useState<string | undefined>(undefined);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [deliveriesRound, setDeliveriesRound] = useState(0);
  const run = useAction(async () => setRunJobId((await client.automations.run(a.id)).job_id));
  const change = useAction(async (action: "toggle" | "delete") => {
    if (action === "delete") await client.automations.delete(a.id);
    else await client.automations.update(a.id, { status: a.status === "active" ? "paused" : "active" });
    onChanged();
  });
  return (
    <li class="card inner">
      <div class="row spread">
        <h3>
          {a.name}{" "}
          <span class={`pill ${a.status === "active" ? "completed" : "pending"}`}>
            {t(`automation.${a.status}`)}
          </span>
        </h3>
        <div class="row">
          <button
            type="button"
            class="primary"
            onClick={() => run.run()}
            disabled={run.pending || Boolean(runJobId)}
          >
            {t("automations.runNow")}
          </button>
          <button type="button" onClick={() => change.run("toggle")} disabled={change.pending}>
            {a.status === "active" ? t("automations.pause") : t("automations.activate")}
          </button>
          <button
            type="button"
            aria-expanded={showDeliveries}
            onClick={() => setShowDeliveries(!showDeliveries)}
          >
            {t("automations.deliveries")}
          </button>
          <ConfirmButton
            label={t("common.delete")}
            question={t("automations.confirmDelete", { name: a.name })}
            pending={change.pending}
            onConfirm={() => change.run("delete")}
          />
        </div>
      </div>
      <dl class="stats">
        <Stat label={t("automations.segment")} value={segment} />
        <Stat label={t("automations.integration")} value={integration} />
        <Stat
          label={t("automations.trigger")}
          value={
            <>
              {t(`trigger.${a.trigger.type}`)} {a.trigger.cron && <code>{a.trigger.cron}</code>}
            </>
          }
        />
        <Stat label={t("automations.holdout")} value={<>{fmt.number(a.holdoutPct, 1)} %</>} />
        <Stat
          label={t("automations.lastRun")}
          value={a.lastRunAt ? fmt.dateTime(a.lastRunAt) : t("keys.never")}
        />
      </dl>
      <ErrorNote error={run.error ?? change.error} />
      {runJobId && (
        <RunProgress
          followed={{ job: runJobId }}
          onDone={() => {
            setRunJobId(undefined);
            setDeliveriesRound((n) => n + 1);
            setShowDeliveries(true);
            onChanged();
          }}
        />
      )}
      {showDeliveries && <Deliveries automationId={a.id} round={deliveriesRound} />}
    </li>
  );
}

function Deliveries({ automationId, round }: { automationId: string; round: number }) {
  const { client, t, fmt } = useApp();
  const [page, setPage] = useState(1);
  const deliveries = useLoad(
    () => client.automations.deliveries(automationId, { page, limit: 10 }),
    [automationId, page, round],
  );
  const redeliver = useAction(async (deliveryId: string) => {
    await client.automations.redeliver(deliveryId);
    deliveries.reload();
  });
  return (
    <div class="deliveries">
      <h4>{t("automations.deliveries")}</h4>
      <ErrorNote error={redeliver.error} />
      <Async state={deliveries}>
        {(list) =>
          list.total === 0 ? (
            <p class="meta">{t("automations.noDeliveries")}</p>
          ) : (
            <>
              <DataTable
                columns={[
                  t("automations.when"),
                  t("automations.customer"),
                  t("data.status"),
                  num(t("automations.attempts")),
                  t("automations.provider"),
                  "actions",
                ]}
              >
                {list.deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>{fmt.dateTime(d.updatedAt)}</td>
                    <td>
                      <code>{d.customerId.slice(0, 8)}</code>
                    </td>
                    <td>
                      <span class={`pill delivery-${d.status}`}>{t(`delivery.${d.status}`)}</span>
                    </td>
                    <td class="num">{d.attempts}</td>
                    <td class="provider">
                      {d.providerStatus !== null && <code>{d.providerStatus}</code>}{" "}
                      {d.lastError ?? d.providerResponse ?? ""}
                    </td>
                    <td class="actions">
                      {(d.status === "failed" || d.status === "dead") && (
                        <button
                          type="button"
                          disabled={redeliver.pending}
                          onClick={() => redeliver.run(d.id)}
                        >
                          {t("automations.redeliver")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
              <Pager page={list.page} pages={list.pages} total={list.total} onPage={setPage} />
            </>
          )
        }
      </Async>
    </div>
  );
}
