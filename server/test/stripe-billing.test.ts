import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StripeConfig } from "../src/config.js";
import { StripeServer } from "./helpers/stripe-server.js";
import { createTenant, startTestServer, type Tenant, type TestServer } from "./helpers/test-server.js";

/**
 * Subscription lifecycles end to end: our API and webhooks against a local Stripe that checks the wire format
 * and signs its events as Stripe does.
 */
const PRICES: StripeConfig["prices"] = {
  starter: { month: "price_starter_month", year: "price_starter_year" },
  pro: { month: "price_pro_month", year: "price_pro_year" },
  enterprise: { month: "price_enterprise_month", year: "price_enterprise_year" },
};

let stripe: StripeServer;
let server: TestServer;
let webhook: string;

beforeAll(async () => {
  stripe = await new StripeServer([
    { id: "price_starter_month", interval: "month", unitAmount: 2900, trialDays: 7 },
    { id: "price_starter_year", interval: "year", unitAmount: 28800, trialDays: 7 },
    { id: "price_pro_month", interval: "month", unitAmount: 9900, trialDays: 14 },
    { id: "price_pro_year", interval: "year", unitAmount: 94800, trialDays: 14 },
    { id: "price_enterprise_month", interval: "month", unitAmount: 20000, trialDays: null },
    { id: "price_enterprise_year", interval: "year", unitAmount: 226800, trialDays: null },
  ]).start();
  server = await startTestServer({ stripe: stripe.config(PRICES) });
  webhook = `${server.url}/api/stripe/webhook`;
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  expect(stripe.violations).toEqual([]);
  await server.close();
  await stripe.close();
});

const post = (t: Tenant, path: string, body?: unknown, headers?: Record<string, string>) =>
  server.request(`/api/organizations/${t.orgId}/${path}`, {
    method: "POST",
    cookie: t.cookie,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });
const get = (t: Tenant, path: string) =>
  server.request(`/api/organizations/${t.orgId}/${path}`, { cookie: t.cookie });
const planOf = async (t: Tenant) => (await get(t, "usage")).body.plan;

async function deliverAll(events: Record<string, unknown>[]) {
  for (const event of events) {
    const res = await stripe.deliver(webhook, event);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ received: true });
  }
}

/** A tenant that went through Checkout for `plan` and paid; returns its subscription id and the events sent. */
async function subscribed(name: string, plan: "starter" | "pro" | "enterprise", interval: "month" | "year") {
  const t = await createTenant(server, name);
  const checkout = await post(t, "checkout", { plan, interval }, { "idempotency-key": `checkout-${name}` });
  expect(checkout.status, checkout.text).toBe(200);
  const events = stripe.completeCheckout(checkout.body.sessionId);
  const subscription = String(stripe.sessions.get(checkout.body.sessionId)?.subscription);
  return { t, subscription, events };
}

describe("plans read their trials from Stripe", () => {
  it("trialDays is the Stripe price's trial_period_days", async () => {
    const res = await server.request("/api/plans");
    const trial = Object.fromEntries(
      res.body.plans.map((p: { id: string; trialDays: number }) => [p.id, p.trialDays]),
    );
    expect(trial).toEqual({ free: null, starter: 7, pro: 14, enterprise: null });
  });
});

describe("lifecycles", () => {
  it("checkout -> trial -> active: the plan applies from the trial, invoices and the card are listed", async () => {
    const t = await createTenant(server, "Trial");
    const checkout = await post(
      t,
      "checkout",
      { plan: "pro", interval: "month" },
      { "idempotency-key": "co-1" },
    );
    expect(checkout.status, checkout.text).toBe(200);
    expect(checkout.body.url).toBe(`https://checkout.stripe.com/c/pay/${checkout.body.sessionId}`);
    // The customer carries the organization id; Checkout is in subscription mode with the price's trial.
    const [customerCall] = stripe.callsTo("POST", /^\/v1\/customers$/).slice(-1);
    expect(customerCall?.params).toMatchObject({ metadata: { organization_id: t.orgId } });
    const [sessionCall] = stripe.callsTo("POST", /^\/v1\/checkout\/sessions$/).slice(-1);
    expect(sessionCall?.params).toMatchObject({
      mode: "subscription",
      client_reference_id: t.orgId,
      line_items: [{ price: "price_pro_month", quantity: "1" }],
      subscription_data: { trial_period_days: "14", metadata: { organization_id: t.orgId } },
    });
    expect(sessionCall?.headers["idempotency-key"]).toContain("co-1");
    expect(await planOf(t)).toBe("free"); // nothing changes until Stripe confirms

    await deliverAll(stripe.completeCheckout(checkout.body.sessionId));
    const subscription = String(stripe.sessions.get(checkout.body.sessionId)?.subscription);
    expect(await planOf(t)).toBe("pro");
    const trialing = await post(t, "sync-subscription");
    expect(trialing.body).toMatchObject({
      plan: "pro",
      status: "trialing",
      interval: "month",
      cancelAtPeriodEnd: false,
    });
    expect(Date.parse(trialing.body.trialEnd) - Date.now()).toBeGreaterThan(13 * 24 * 3600 * 1000);

    const cards = await get(t, "payment-methods");
    expect(cards.body.paymentMethods).toEqual([
      {
        id: expect.stringMatching(/^pm_/),
        brand: "visa",
        last4: "4242",
        expMonth: 8,
        expYear: 2030,
        isDefault: true,
      },
    ]);
    await deliverAll(stripe.endTrial(subscription));
    const active = await post(t, "sync-subscription");
    expect(active.body).toMatchObject({ plan: "pro", status: "active", trialEnd: null });
    const invoices = await get(t, "invoices");
    expect(invoices.body.invoices).toHaveLength(2);
    expect(invoices.body.invoices[0]).toMatchObject({ status: "paid", amountPaid: 9900, currency: "usd" });
    expect(invoices.body.invoices[0].invoicePdf).toMatch(/^https:\/\/pay\.stripe\.com\/invoice\/.+\/pdf$/);

    const again = await post(t, "checkout", { plan: "enterprise", interval: "year" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_subscribed");
    expect((await post(t, "subscribe-free")).status).toBe(409);
  });

  it("cancel at period end: still paid until the period ends, then free", async () => {
    const { t, subscription, events } = await subscribed("Cancel", "enterprise", "month");
    await deliverAll(events);
    expect(await planOf(t)).toBe("enterprise");
    const cancelled = await post(t, "cancel-subscription");
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ plan: "enterprise", status: "active", cancelAtPeriodEnd: true });
    const updates = stripe.callsTo("POST", new RegExp(`^/v1/subscriptions/${subscription}$`));
    expect(updates.map((c) => c.params)).toEqual([{ cancel_at_period_end: "true" }]);
    expect((await post(t, "cancel-subscription")).body.cancelAtPeriodEnd).toBe(true); // again: nothing changes
    expect(stripe.callsTo("POST", new RegExp(`^/v1/subscriptions/${subscription}$`))).toHaveLength(1);
    expect(await planOf(t)).toBe("enterprise");

    await deliverAll(stripe.endSubscription(subscription));
    expect(await planOf(t)).toBe("free");
    expect((await post(t, "sync-subscription")).body).toMatchObject({ plan: "free", status: "canceled" });
    expect((await post(t, "cancel-subscription")).body.code).toBe("no_subscription");
  });

  it("payment failed -> past_due (grace) -> recovered; and past_due past the grace -> free -> canceled", async () => {
    const { t, subscription, events } = await subscribed("PastDue", "pro", "month");
    await deliverAll(events);
    await deliverAll(stripe.endTrial(subscription));
    await deliverAll(stripe.failPayment(subscription));
    expect((await post(t, "sync-subscription")).body).toMatchObject({ plan: "pro", status: "past_due" });
    await deliverAll(stripe.recoverPayment(subscription));
    expect((await post(t, "sync-subscription")).body).toMatchObject({ plan: "pro", status: "active" });

    await deliverAll(stripe.failPayment(subscription));
    expect(await planOf(t)).toBe("pro");
    // Eight days later (the grace period is seven), without any webhook: the paid limits are gone.
    await server.app.db
      .knex("billing_accounts")
      .where({ organization_id: t.orgId })
      .update({ past_due_since: new Date(Date.now() - 8 * 24 * 3600 * 1000) });
    expect(await planOf(t)).toBe("free");
    await deliverAll(stripe.endSubscription(subscription));
    expect((await post(t, "sync-subscription")).body).toMatchObject({ plan: "free", status: "canceled" });
  });

  it("upgrade starter -> pro in the portal", async () => {
    const { t, subscription, events } = await subscribed("Upgrade", "starter", "month");
    await deliverAll(events);
    expect(await planOf(t)).toBe("starter");
    const portal = await post(t, "billing-portal");
    expect(portal.status).toBe(200);
    expect(portal.body.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    await deliverAll(stripe.changePrice(subscription, "price_pro_month"));
    expect(await planOf(t)).toBe("pro");
  });

  it("a replayed event changes nothing, and a late event cannot turn the state back", async () => {
    const { t, subscription, events } = await subscribed("Replay", "pro", "month");
    const [completed, created, paid] = events as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    await deliverAll([paid, completed]); // out of order, and `created` held back
    await deliverAll(stripe.endTrial(subscription));
    expect((await post(t, "sync-subscription")).body.status).toBe("active");
    await deliverAll([created]); // the trialing snapshot arrives last: the state stays what Stripe says now
    expect((await post(t, "sync-subscription")).body.status).toBe("active");

    const reads = stripe.callsTo("GET", /^\/v1\/subscriptions$/).length;
    await deliverAll([created, paid]); // redeliveries: recorded ids, nothing is read or applied
    expect(stripe.callsTo("GET", /^\/v1\/subscriptions$/)).toHaveLength(reads);
    expect(
      await server.app.db.knex("stripe_events").whereIn("id", [String(created.id), String(paid.id)]),
    ).toHaveLength(2);
  });

  it("a forged signature is refused with 400 and changes nothing", async () => {
    const { t, events } = await subscribed("Forged", "pro", "month");
    const forged = await stripe.deliver(webhook, events[0] as Record<string, unknown>, {
      secret: "whsec_not_ours",
    });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe("stripe_signature_invalid");
    const stale = await stripe.deliver(webhook, events[1] as Record<string, unknown>, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(400);
    const tampered = await stripe.deliver(
      webhook,
      { ...(events[1] as Record<string, unknown>), id: "evt_tampered" },
      {
        signature: stripe.sign(JSON.stringify(events[1], null, 2)),
      },
    );
    expect(tampered.status).toBe(400);
    expect(await planOf(t)).toBe("free");
    expect(
      await server.app.db
        .knex("stripe_events")
        .whereIn("id", [String((events[0] as { id: string }).id), "evt_tampered"]),
    ).toEqual([]);
  });
});

describe("billing details and Stripe's errors", () => {
  it("billing details are kept on the Stripe customer", async () => {
    const t = await createTenant(server, "Details");
    const details = {
      name: "Acme Shop Ltd.",
      email: "billing@acme.example",
      taxId: "TR1234567890",
      address: {
        line1: "Bagdat Cd. 123",
        line2: null,
        city: "Istanbul",
        state: null,
        postalCode: "34728",
        country: "TR",
      },
    };
    const put = await server.request(`/api/organizations/${t.orgId}/billing`, {
      method: "PUT",
      body: details,
      cookie: t.cookie,
    });
    expect(put.status, put.text).toBe(200);
    const customer = [...stripe.customers.values()].find(
      (c) => (c.metadata as { organization_id?: string }).organization_id === t.orgId,
    );
    expect(customer).toMatchObject({
      name: "Acme Shop Ltd.",
      email: "billing@acme.example",
      metadata: { organization_id: t.orgId, tax_id: "TR1234567890" },
      address: { postal_code: "34728", country: "TR", line2: null },
    });
    expect((await get(t, "billing")).body).toEqual(details);
  });

  it("a refused call is 503 stripe_error quoting Stripe; a 429 Stripe asks to retry is retried with the same key", async () => {
    const t = await createTenant(server, "Errors");
    stripe.failNext("POST", /^\/v1\/customers$/, {
      status: 400,
      type: "invalid_request_error",
      message: "Invalid email address",
    });
    const refused = await post(t, "billing-portal");
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "stripe_error" });
    expect(refused.body.error).toContain("Invalid email address");

    stripe.failNext("POST", /^\/v1\/billing_portal\/sessions$/, {
      status: 429,
      type: "rate_limit_error",
      message: "Too many requests",
      headers: { "stripe-should-retry": "true" },
    });
    const before = stripe.callsTo("POST", /^\/v1\/billing_portal\/sessions$/).length;
    const portal = await post(t, "billing-portal");
    expect(portal.status, portal.text).toBe(200);
    const tries = stripe.callsTo("POST", /^\/v1\/billing_portal\/sessions$/).slice(before);
    expect(tries).toHaveLength(2);
    expect(tries[0]?.headers["idempotency-key"]).toBe(tries[1]?.headers["idempotency-key"]);

    stripe.failNext("POST", /^\/v1\/checkout\/sessions$/, {
      status: 402,
      type: "card_error",
      message: "Your card was declined.",
      code: "card_declined",
    });
    const declined = await post(t, "checkout", { plan: "starter", interval: "year" });
    expect(declined.status).toBe(503);
    expect(declined.body.error).toContain("card_error");
  });
});
