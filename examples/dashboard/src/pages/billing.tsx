import { type Schema, SegmentoError } from "@segmento/sdk";
import { useEffect, useState } from "preact/hooks";
import type { MessageKey } from "../i18n/index.js";
import { useApp } from "../state.js";
import { Async, ErrorNote, Loading } from "../ui/feedback.js";
import { ConfirmButton } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { Stat } from "../ui/table.js";
import { BillingDetailsForm, Invoices, METRICS, PaymentMethods, UsageMeters } from "./billing-records.js";

type PlanId = Schema<"PlanId">;
type Subscription = Schema<"Subscription">;
/** A paid subscription that runs: Checkout refuses (409) while it does; plans change in the portal. */
const RUNNING: Subscription["status"][] = ["active", "trialing", "past_due"];

/**
 * The organization's plan and subscription, usage against its limits, Stripe Checkout and the portal, saved
 * cards, invoices, billing details and cancelling at period end. The page reads the subscription by syncing it
 * with Stripe; a server without Stripe answers 503 `billing_not_configured`, which the page shows once, with the
 * server's words, while the free plan's usage and the plans stay on screen.
 */
export function BillingPage() {
  const { client, organization, reload, t } = useApp();
  const orgId = organization!.id;
  const manager = organization!.role !== "member";
  const checkoutReturn = new URLSearchParams(window.location.search).get("checkout");
  const synced = useLoad<Subscription | undefined>(
    async () => (manager ? client.billing.syncSubscription(orgId) : undefined),
    [orgId, manager],
  );
  const [subscription, setSubscription] = useState<Subscription | undefined>(undefined);
  useEffect(() => setSubscription(synced.data), [synced.data]);
  const stripeMissing = isNotConfigured(synced.error);
  const plan = subscription?.plan ?? organization!.plan;
  // The organization list (switcher, other pages) learns of a plan Stripe changed.
  useEffect(() => {
    if (subscription && subscription.plan !== organization!.plan) void reload({ organizationId: orgId });
  }, [subscription?.plan]);
  return (
    <>
      <h1>{t("nav.billing")}</h1>
      <p class="lead">{t("billing.current", { plan: t(`plan.${plan}`) })}</p>
      {checkoutReturn === "success" && (
        <p class="note success" role="status">
          {t("billing.checkoutDone")}
        </p>
      )}
      {checkoutReturn === "cancelled" && (
        <p class="note muted" role="status">
          {t("billing.checkoutCancelled")}
        </p>
      )}
      {!manager && <p class="note muted">{t("billing.managersOnly")}</p>}
      {stripeMissing && <ErrorNote error={synced.error} tone="warn" />}
      {manager && !stripeMissing && (
        <SubscriptionCard state={synced} subscription={subscription} onChange={setSubscription} />
      )}
      {manager && <UsageMeters />}
      <Plans current={plan} subscription={subscription} stripeMissing={stripeMissing} manager={manager} />
      {manager && (
        <>
          <PaymentMethods />
          <Invoices />
          <BillingDetailsForm />
        </>
      )}
    </>
  );
}

/** 503 `billing_not_configured`: this server has no Stripe keys (or no price for what was asked). */
const isNotConfigured = (error: unknown) =>
  error instanceof SegmentoError && error.status === 503 && error.code === "billing_not_configured";

function SubscriptionCard({
  state,
  subscription,
  onChange,
}: {
  state: { error: unknown; loading: boolean };
  subscription: Subscription | undefined;
  onChange(next: Subscription): void;
}) {
  const { client, organization, t, fmt } = useApp();
  const orgId = organization!.id;
  const portal = useAction(async () => {
    window.location.assign((await client.billing.createPortalSession(orgId)).url);
  });
  const cancel = useAction(async () => onChange(await client.billing.cancelSubscription(orgId)));
  const activateFree = useAction(async () => onChange(await client.billing.subscribeFree(orgId)));
  const sync = useAction(async () => onChange(await client.billing.syncSubscription(orgId)));
  const running = subscription !== undefined && RUNNING.includes(subscription.status);
  const paid = running && subscription.plan !== "free";
  return (
    <section class="card" aria-labelledby="subscription-title">
      <h2 id="subscription-title">{t("billing.subscription")}</h2>
      {state.loading && <Loading label={t("billing.syncing")} />}
      <ErrorNote error={state.error} />
      {subscription && (
        <>
          <dl class="stats">
            <Stat label={t("billing.plan")} value={t(`plan.${subscription.plan}`)} />
            <Stat
              label={t("billing.status")}
              value={
                <span class={`pill subscription-${subscription.status}`}>
                  {t(`subscriptionStatus.${subscription.status}`)}
                </span>
              }
            />
            <Stat
              label={t("billing.interval")}
              value={subscription.interval ? t(`billing.per.${subscription.interval}`) : "—"}
            />
            {subscription.currentPeriodEnd && (
              <Stat
                label={subscription.cancelAtPeriodEnd ? t("billing.endsOn") : t("billing.renewsOn")}
                value={fmt.date(subscription.currentPeriodEnd)}
              />
            )}
            {subscription.trialEnd && (
              <Stat label={t("billing.trialEnds")} value={fmt.date(subscription.trialEnd)} />
            )}
          </dl>
          <p class={`note ${subscription.status === "past_due" ? "warn" : "muted"}`} role="status">
            {running && subscription.cancelAtPeriodEnd && subscription.currentPeriodEnd
              ? t("billing.cancelled", { date: fmt.date(subscription.currentPeriodEnd) })
              : t(`subscription.${subscription.status}`)}
          </p>
        </>
      )}
      <div class="row">
        <button type="button" onClick={() => portal.run()} disabled={portal.pending}>
          {t("billing.portal")}
        </button>
        <button type="button" onClick={() => sync.run()} disabled={sync.pending}>
          {t("billing.sync")}
        </button>
        {paid && !subscription.cancelAtPeriodEnd && (
          <ConfirmButton
            label={t("billing.cancel")}
            question={t("billing.confirmCancel")}
            pending={cancel.pending}
            onConfirm={() => cancel.run()}
          />
        )}
        {/* Not offered on a plan the operator set without Stripe: activating free would replace it. */}
        {subscription && !running && subscription.plan === "free" && subscription.status !== "active" && (
          <button type="button" onClick={() => activateFree.run()} disabled={activateFree.pending}>
            {t("billing.activateFree")}
          </button>
        )}
      </div>
      {portal.pending && <Loading label={t("billing.redirecting")} />}
      <ErrorNote error={portal.error} title={t("billing.portal")} />
      <ErrorNote error={sync.error} title={t("billing.sync")} />
      <ErrorNote error={cancel.error} title={t("billing.cancel")} />
      <ErrorNote error={activateFree.error} title={t("billing.activateFree")} />
    </section>
  );
}

function Plans({
  current,
  subscription,
  stripeMissing,
  manager,
}: {
  current: PlanId;
  subscription: Subscription | undefined;
  stripeMissing: boolean;
  manager: boolean;
}) {
  const { client, organization, t, fmt } = useApp();
  const plans = useLoad(() => client.billing.plans(), []);
  const [interval, setInterval] = useState<"month" | "year">("month");
  const checkout = useAction(async (plan: Exclude<PlanId, "free">) => {
    const session = await client.billing.createCheckoutSession(organization!.id, { plan, interval });
    window.location.assign(session.url);
  });
  const paid = subscription !== undefined && RUNNING.includes(subscription.status) && current !== "free";
  const canCheckout = manager && !stripeMissing && !paid;
  return (
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
      {paid && <p class="meta">{t("billing.changeInPortal")}</p>}
      {stripeMissing && <p class="meta">{t("billing.upgradeUnavailable")}</p>}
      <ErrorNote error={checkout.error} title={t("billing.checkoutFailed")} />
      {checkout.pending && <Loading label={t("billing.redirecting")} />}
      <Async state={plans}>
        {({ plans: list }) => (
          <div class="plans">
            {list.map((plan) => (
              <div class={`plan ${plan.id === current ? "current" : ""}`} key={plan.id}>
                <h3>{t(`plan.${plan.id}`)}</h3>
                <p class="price">
                  {fmt.money(interval === "year" ? plan.priceAnnualMonthlyUsd : plan.priceMonthlyUsd)}
                  <span class="meta"> {t("billing.perMonth")}</span>
                </p>
                {interval === "year" && plan.priceMonthlyUsd > 0 && (
                  <p class="meta">
                    {t("billing.billedYearly", { total: fmt.money(plan.priceAnnualMonthlyUsd * 12) })}
                  </p>
                )}
                {plan.trialDays ? <p class="meta">{t("billing.trial", { days: plan.trialDays })}</p> : null}
                <ul class="limits">
                  {METRICS.map((metric) => (
                    <li key={metric}>
                      {t(`usage.${metric}` as MessageKey)}:{" "}
                      {plan.limits[metric] === null
                        ? t("billing.unlimited")
                        : fmt.number(plan.limits[metric] ?? 0, 2)}
                    </li>
                  ))}
                </ul>
                {plan.id === current ? (
                  <span class="badge">{t("billing.yourPlan")}</span>
                ) : plan.id !== "free" && canCheckout ? (
                  <button
                    type="button"
                    class="primary"
                    disabled={checkout.pending}
                    onClick={() => checkout.run(plan.id as Exclude<PlanId, "free">)}
                  >
                    {t("billing.upgrade", { plan: t(`plan.${plan.id}`) })}
                  </button>
                ) : null}
              </div>
            ))}
          </div>
        )}
      </Async>
    </section>
  );
}
