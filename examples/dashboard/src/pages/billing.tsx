import type { Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import type { MessageKey } from "../i18n/index.js";
import { useApp } from "../state.js";
import { Async, ErrorNote, Loading, NotAvailable, notImplemented } from "../ui/feedback.js";
import { ConfirmButton } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { DataTable, num } from "../ui/table.js";

type PlanId = Schema<"PlanId">;
type Metric = keyof Schema<"Usage">["data"];
const METRICS: Metric[] = [
  "rows",
  "profiles",
  "automations",
  "modelRuns",
  "genaiOps",
  "storageGb",
  "teamSeats",
];

/**
 * The organization's plan, usage against its limits, Stripe Checkout and portal, invoices and cancelling.
 * A server that does not serve a section (501) makes it say so.
 */
export function BillingPage() {
  const { client, organization, t, fmt } = useApp();
  const orgId = organization!.id;
  const plans = useLoad(() => client.billing.plans(), []);
  const usage = useLoad(() => client.billing.usage(orgId), [orgId]);
  const invoices = useLoad(() => client.billing.invoices(orgId), [orgId]);
  const [interval, setInterval] = useState<"month" | "year">("month");
  const [subscription, setSubscription] = useState<Schema<"Subscription"> | undefined>(undefined);
  const checkout = useAction(async (plan: PlanId) => {
    if (plan === "free") return;
    const session = await client.billing.createCheckoutSession(orgId, { plan, interval });
    window.location.assign(session.url);
  });
  const portal = useAction(async () => {
    window.location.assign((await client.billing.createPortalSession(orgId)).url);
  });
  const cancel = useAction(async () => setSubscription(await client.billing.cancelSubscription(orgId)));
  const current = organization!.plan;
  return (
    <>
      <h1>{t("nav.billing")}</h1>
      <p class="lead">{t("billing.current", { plan: t(`plan.${current}`) })}</p>
      <section class="card" aria-labelledby="usage-title">
        <h2 id="usage-title">{t("billing.usage")}</h2>
        {usage.error !== undefined && notImplemented(usage.error) ? (
          <NotAvailable what={t("billing.usage")} error={usage.error} />
        ) : (
          <Async state={usage}>
            {(u) => (
              <div class="meters">
                {METRICS.map((metric) => (
                  <Meter key={metric} label={t(`usage.${metric}` as MessageKey)} metric={u.data[metric]} />
                ))}
              </div>
            )}
          </Async>
        )}
      </section>
      <section class="card" aria-labelledby="plans-title">
        <div class="row spread">
          <h2 id="plans-title">{t("billing.plans")}</h2>
          <label class="inline">
            <span>{t("billing.interval")}</span>
            <select value={interval} onChange={(e) => setInterval(e.currentTarget.value as "month" | "year")}>
              <option value="month">{t("billing.monthly")}</option>
              <option value="year">{t("billing.yearly")}</option>
            </select>
          </label>
        </div>
        <ErrorNote error={checkout.error} title={t("billing.checkoutFailed")} />
        <Async state={plans}>
          {({ plans: list }) => (
            <div class="plans">
              {list.map((plan) => (
                <div class={`plan ${plan.id === current ? "current" : ""}`} key={plan.id}>
                  <h3>{plan.name}</h3>
                  <p class="price">
                    {fmt.money(interval === "year" ? plan.priceAnnualMonthlyUsd : plan.priceMonthlyUsd)}
                    <span class="meta"> {t("billing.perMonth")}</span>
                  </p>
                  {plan.trialDays ? <p class="meta">{t("billing.trial", { days: plan.trialDays })}</p> : null}
                  <ul class="limits">
                    {METRICS.map((metric) => (
                      <li key={metric}>
                        {t(`usage.${metric}` as MessageKey)}:{" "}
                        {plan.limits[metric] === null
                          ? t("billing.unlimited")
                          : fmt.number(plan.limits[metric] ?? 0)}
                      </li>
                    ))}
                  </ul>
                  {plan.id === current ? (
                    <span class="badge">{t("billing.yourPlan")}</span>
                  ) : plan.id !== "free" ? (
                    <button
                      type="button"
                      class="primary"
                      disabled={checkout.pending}
                      onClick={() => checkout.run(plan.id)}
                    >
                      {t("billing.upgrade", { plan: plan.name })}
                    </button>
                  ) : null}
                </div>
              ))}
            </div>
          )}
        </Async>
      </section>
      <section class="card" aria-labelledby="manage-title">
        <h2 id="manage-title">{t("billing.manage")}</h2>
        <div class="row">
          <button type="button" onClick={() => portal.run()} disabled={portal.pending}>
            {t("billing.portal")}
          </button>
          {current !== "free" && (
            <ConfirmButton
              label={t("billing.cancel")}
              question={t("billing.confirmCancel")}
              pending={cancel.pending}
              onConfirm={() => cancel.run()}
            />
          )}
        </div>
        {portal.pending && <Loading label={t("billing.redirecting")} />}
        <ErrorNote error={portal.error} title={t("billing.portal")} />
        <ErrorNote error={cancel.error} title={t("billing.cancel")} />
        {subscription && (
          <p class="note success" role="status">
            {subscription.cancelAtPeriodEnd && subscription.currentPeriodEnd
              ? t("billing.cancelled", { date: fmt.date(subscription.currentPeriodEnd) })
              : t(`subscription.${subscription.status}`)}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="invoices-title">
        <h2 id="invoices-title">{t("billing.invoices")}</h2>
        {invoices.error !== undefined && notImplemented(invoices.error) ? (
          <NotAvailable what={t("billing.invoices")} error={invoices.error} />
        ) : (
          <Async state={invoices}>
            {({ invoices: list }) =>
              list.length === 0 ? (
                <p class="meta">{t("billing.noInvoices")}</p>
              ) : (
                <DataTable
                  columns={[
                    t("billing.number"),
                    t("billing.period"),
                    t("data.status"),
                    num(t("billing.amount")),
                    "actions",
                  ]}
                >
                  {list.map((invoice) => (
                    <tr key={invoice.id}>
                      <td>{invoice.number ?? "—"}</td>
                      <td>
                        {fmt.date(invoice.periodStart)} – {fmt.date(invoice.periodEnd)}
                      </td>
                      <td>{t(`invoice.${invoice.status}`)}</td>
                      <td class="num">
                        {fmt.money(invoice.amountDue / 100, invoice.currency.toUpperCase())}
                      </td>
                      <td class="actions">
                        {invoice.hostedInvoiceUrl && (
                          <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                            {t("billing.view")}
                          </a>
                        )}{" "}
                        {invoice.invoicePdf && (
                          <a href={invoice.invoicePdf} target="_blank" rel="noreferrer">
                            PDF
                          </a>
                        )}
                      </td>
                    </tr>
                  ))}
                </DataTable>
              )
            }
          </Async>
        )}
      </section>
    </>
  );
}

function Meter({ label, metric }: { label: string; metric: Schema<"UsageMetric"> }) {
  const { t, fmt } = useApp();
  const share = metric.limit ? Math.min(1, metric.used / metric.limit) : 0;
  const text =
    metric.limit === null
      ? t("billing.usedUnlimited", { used: fmt.number(metric.used, 2) })
      : t("billing.usedOf", { used: fmt.number(metric.used, 2), limit: fmt.number(metric.limit, 2) });
  return (
    <div class="meter">
      <div class="progress-label">
        <span>{label}</span>
        <span>{text}</span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: the same styled bar as the progress bars; <meter> cannot be styled alike everywhere. */}
      <div
        class={`progress ${share >= 0.9 ? "high" : ""}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={metric.limit ?? metric.used}
        aria-valuenow={metric.used}
        aria-valuetext={text}
      >
        <div class="progress-fill" style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}
