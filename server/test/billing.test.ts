import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLANS } from "../src/billing/plans.js";
import {
  addMember,
  createTenant,
  signUp,
  startTestServer,
  type Tenant,
  type TestServer,
} from "./helpers/test-server.js";

/** Billing on a server without Stripe configuration: the embedded default. */
let server: TestServer;
let owner: Tenant;

beforeAll(async () => {
  server = await startTestServer({ stripe: undefined });
  owner = await createTenant(server, "Owner");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

const BILLING_ROUTES = [
  ["get", "usage"],
  ["get", "billing"],
  ["put", "billing"],
  ["get", "invoices"],
  ["get", "payment-methods"],
  ["post", "billing-portal"],
  ["post", "subscribe-free"],
  ["post", "cancel-subscription"],
  ["post", "sync-subscription"],
  ["post", "checkout"],
] as const;

const DETAILS = {
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

const bodyOf = (path: string) =>
  path === "checkout" ? { plan: "pro", interval: "month" } : path === "billing" ? DETAILS : undefined;

const call = (tenant: { orgId: string }, method: string, path: string, cookie: string) =>
  server.request(`/api/organizations/${tenant.orgId}/${path}`, {
    method: method.toUpperCase(),
    cookie,
    ...(bodyOf(path) && method !== "get" ? { body: bodyOf(path) } : {}),
  });

describe("the plans catalogue", () => {
  it("GET /api/plans is the catalogue: four plans, both prices, every limit; trials unknown without Stripe", async () => {
    const res = await server.request("/api/plans");
    expect(res.status).toBe(200);
    expect(res.body.plans).toEqual(PLANS.map((plan) => ({ ...plan, trialDays: null })));
    const enterprise = res.body.plans.find((p: { id: string }) => p.id === "enterprise");
    expect(enterprise).toMatchObject({ priceMonthlyUsd: 200, priceAnnualMonthlyUsd: 189 });
  });
});

describe("roles on every billing route", () => {
  it.each(BILLING_ROUTES)(
    "%s %s: a member gets 403, a non-member 404, before anything else",
    async (method, path) => {
      const member = await addMemberOnce();
      const stranger = await strangerOnce();
      const asMember = await call(owner, method, path, member.cookie);
      expect(asMember.status, asMember.text).toBe(403);
      expect(asMember.body.code).toBe("forbidden");
      const asStranger = await call(owner, method, path, stranger.cookie);
      expect(asStranger.status, asStranger.text).toBe(404);
      expect(asStranger.body.code).toBe("not_found");
    },
  );
});

let member: Awaited<ReturnType<typeof addMember>> | undefined;
async function addMemberOnce() {
  if (!member) {
    await server.app.db.knex("organization").where({ id: owner.orgId }).update({ plan: "starter" });
    member = await addMember(server, owner, "member", "Plain Member");
    await server.app.db.knex("organization").where({ id: owner.orgId }).update({ plan: "free" });
  }
  return member;
}
let stranger: Awaited<ReturnType<typeof signUp>> | undefined;
async function strangerOnce() {
  stranger ??= await signUp(server, "Stranger");
  return stranger;
}

describe("without Stripe configuration", () => {
  it("the free plan and usage work; paid-plan operations answer 503 billing_not_configured naming the variables", async () => {
    const t = await createTenant(server, "Unconfigured");
    const usage = await call(t, "get", "usage", t.cookie);
    expect(usage.status).toBe(200);
    expect(usage.body.plan).toBe("free");

    const free = await call(t, "post", "subscribe-free", t.cookie);
    expect(free.status).toBe(200);
    expect(free.body).toEqual({
      plan: "free",
      status: "active",
      interval: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      trialEnd: null,
    });
    const again = await call(t, "post", "subscribe-free", t.cookie);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_subscribed");

    for (const path of ["checkout", "billing-portal", "cancel-subscription", "sync-subscription"]) {
      const res = await call(t, "post", path, t.cookie);
      expect(res.status, `${path}: ${res.text}`).toBe(503);
      expect(res.body.code).toBe("billing_not_configured");
      expect(res.body.error).toContain("STRIPE_SECRET_KEY");
      expect(res.body.error).toContain("STRIPE_PRICE_PRO_MONTHLY");
    }
    const webhook = await server.request("/api/stripe/webhook", {
      body: { id: "evt_1", object: "event", type: "invoice.paid", data: { object: {} } },
      headers: { "stripe-signature": "t=1,v1=00" },
    });
    expect(webhook.status).toBe(503);
    expect(webhook.body.code).toBe("billing_not_configured");

    expect((await call(t, "get", "invoices", t.cookie)).body).toEqual({ invoices: [] });
    expect((await call(t, "get", "payment-methods", t.cookie)).body).toEqual({ paymentMethods: [] });
    const empty = await call(t, "get", "billing", t.cookie);
    expect(empty.body).toMatchObject({ name: null, email: null, taxId: null });
    const saved = await call(t, "put", "billing", t.cookie);
    expect(saved.status).toBe(200);
    expect((await call(t, "get", "billing", t.cookie)).body).toEqual(DETAILS);
  });
});
