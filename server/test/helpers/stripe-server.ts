import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import type { StripeConfig } from "../../src/config.js";

/**
 * A local Stripe for the tests. Its objects start from Stripe's own examples (fixtures/stripe/objects.json,
 * the ones Stripe's mock server returns), updated with each request's values, so the `stripe` package parses
 * real shapes. It checks the wire format of every call the way Stripe would care: `Authorization: Bearer
 * sk_test_...`, the pinned `Stripe-Version`, form-encoded bodies with bracketed nested keys, an
 * `Idempotency-Key` on every POST (and the same answer for the same key). A call that breaks one is recorded in
 * `violations` and answered with Stripe's error shape. Tests play Stripe's side of a lifecycle with the methods
 * below (the customer pays, a trial ends, a payment fails...) and deliver the events they produce, signed as
 * Stripe signs them.
 */
type Obj = Record<string, unknown> & { id: string };
type Json = Record<string, unknown>;

const FIXTURES = JSON.parse(
  readFileSync(new URL("../fixtures/stripe/objects.json", import.meta.url), "utf8"),
) as Record<string, Json>;

const example = (name: string): Json => structuredClone(FIXTURES[name] as Json);
/** The API version the `stripe` package pins and sends as Stripe-Version. */
const ApiVersion = Stripe.API_VERSION;
const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;

export interface RecordedCall {
  method: string;
  path: string;
  params: Json;
  headers: IncomingMessage["headers"];
}

export interface StripeErrorReply {
  status: number;
  type: "card_error" | "invalid_request_error" | "api_error" | "rate_limit_error" | "idempotency_error";
  message: string;
  code?: string;
  headers?: Record<string, string>;
}

export interface PriceSpec {
  id: string;
  interval: "month" | "year";
  unitAmount: number;
  trialDays: number | null;
}

export class StripeServer {
  readonly secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
  readonly calls: RecordedCall[] = [];
  readonly violations: string[] = [];
  readonly customers = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly sessions = new Map<string, Obj>();
  readonly invoices: Obj[] = [];
  readonly paymentMethods: Obj[] = [];
  readonly prices = new Map<string, PriceSpec>();
  private readonly replies = new Map<string, { fingerprint: string; status: number; body: string }>();
  private readonly failures: { method: string; path: RegExp; reply: StripeErrorReply }[] = [];
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      this.violations.push(`handler crashed: ${String(error)}`);
      send(res, 500, stripeError("api_error", "local Stripe crashed"));
    });
  });
  private counter = 0;
  url = "";

  constructor(prices: PriceSpec[]) {
    for (const price of prices) this.prices.set(price.id, price);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The server configuration that points our server at this Stripe. */
  config(prices: StripeConfig["prices"]): StripeConfig {
    return { secretKey: this.secretKey, webhookSecret: this.webhookSecret, apiBase: this.url, prices };
  }

  /** Answers the next matching call with Stripe's error shape instead (`times` calls in a row). */
  failNext(method: string, path: RegExp, reply: StripeErrorReply, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ method, path, reply });
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${randomBytes(7).toString("hex")}${this.counter}`;
  }

  // ---- Stripe's side of a lifecycle: each returns the events Stripe would send, in Stripe's order ----

  /** The customer pays on the Checkout page: a subscription (trialing when the price has a trial), a card. */
  completeCheckout(sessionId: string): Json[] {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no checkout session ${sessionId}`);
    const customer = String(session.customer);
    const lineItems = session.line_items as { price: string }[];
    const price = this.requirePrice(String(lineItems[0]?.price));
    const trialDays = Number((session.subscription_data as Json | undefined)?.trial_period_days ?? 0);
    const card = this.attachCard(customer);
    const subscription = this.newSubscription(customer, price, trialDays, session.metadata as Json);
    session.status = "complete";
    session.payment_status = trialDays ? "no_payment_required" : "paid";
    session.subscription = subscription.id;
    const invoice = this.newInvoice(subscription, trialDays ? 0 : price.unitAmount, "paid");
    this.customers.get(customer)!.invoice_settings = {
      ...(this.customers.get(customer)!.invoice_settings as Json),
      default_payment_method: card.id,
    };
    return [
      this.event("checkout.session.completed", session),
      this.event("customer.subscription.created", subscription),
      this.event("invoice.paid", invoice),
    ];
  }

  /** Three days before a trial ends Stripe says so; then the first paid period starts. */
  endTrial(subscriptionId: string): Json[] {
    const sub = this.requireSubscription(subscriptionId);
    const warning = this.event("customer.subscription.trial_will_end", sub);
    const price = this.requirePrice(this.priceOf(sub));
    sub.status = "active";
    this.renewPeriod(sub, price);
    const invoice = this.newInvoice(sub, price.unitAmount, "paid");
    return [warning, this.event("invoice.paid", invoice), this.event("customer.subscription.updated", sub)];
  }

  failPayment(subscriptionId: string): Json[] {
    const sub = this.requireSubscription(subscriptionId);
    const price = this.requirePrice(this.priceOf(sub));
    this.renewPeriod(sub, price);
    const invoice = this.newInvoice(sub, price.unitAmount, "open");
    invoice.attempt_count = 1;
    sub.status = "past_due";
    sub.latest_invoice = invoice.id;
    return [this.event("invoice.payment_failed", invoice), this.event("customer.subscription.updated", sub)];
  }

  recoverPayment(subscriptionId: string): Json[] {
    const sub = this.requireSubscription(subscriptionId);
    const open = this.invoices.find((i) => i.subscription_id === sub.id && i.status === "open");
    if (!open) throw new Error("no open invoice to pay");
    open.status = "paid";
    open.amount_paid = open.amount_due;
    open.amount_remaining = 0;
    sub.status = "active";
    return [this.event("invoice.paid", open), this.event("customer.subscription.updated", sub)];
  }

  /** The subscription ends: its period is over after a cancel at period end, or retries ran out. */
  endSubscription(subscriptionId: string): Json[] {
    const sub = this.requireSubscription(subscriptionId);
    sub.status = "canceled";
    sub.ended_at = now();
    sub.canceled_at = sub.canceled_at ?? now();
    return [this.event("customer.subscription.deleted", sub)];
  }

  /** A plan change made in the Billing Portal. */
  changePrice(subscriptionId: string, priceId: string): Json[] {
    const sub = this.requireSubscription(subscriptionId);
    const price = this.requirePrice(priceId);
    const items = sub.items as { data: Json[] };
    items.data[0] = { ...items.data[0], price: this.priceObject(price) };
    return [this.event("customer.subscription.updated", sub)];
  }

  /** Signs a payload as Stripe does: `t=<unix>,v1=<hex HMAC-SHA256 of "t.payload" with the endpoint secret>`. */
  sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
    const t = options.timestamp ?? now();
    const v1 = createHmac("sha256", options.secret ?? this.webhookSecret)
      .update(`${t}.${payload}`)
      .digest("hex");
    return `t=${t},v1=${v1}`;
  }

  /** POSTs an event to a webhook endpoint as Stripe does; a redelivery is the same bytes signed anew. */
  async deliver(endpoint: string, event: Json, options: { secret?: string; signature?: string } = {}) {
    const payload = JSON.stringify(event, null, 2);
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "stripe-signature": options.signature ?? this.sign(payload, options),
      },
      body: payload,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  // ---- objects, from Stripe's examples ----

  private event(type: string, object: Json): Json {
    return {
      ...example("event"),
      id: this.id("evt"),
      type,
      created: now(),
      api_version: ApiVersion,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
    };
  }

  private priceObject(price: PriceSpec): Json {
    return {
      ...example("price"),
      id: price.id,
      unit_amount: price.unitAmount,
      unit_amount_decimal: String(price.unitAmount),
      recurring: {
        ...(example("price").recurring as Json),
        interval: price.interval,
        interval_count: 1,
        trial_period_days: price.trialDays,
      },
      transform_quantity: null,
    };
  }

  private newSubscription(customer: string, price: PriceSpec, trialDays: number, metadata: Json): Obj {
    const fixture = example("subscription");
    const id = this.id("sub");
    const start = now();
    const item = (fixture.items as { data: Json[] }).data[0] as Json;
    const sub: Obj = {
      ...fixture,
      id,
      customer,
      created: start,
      start_date: start,
      billing_cycle_anchor: start,
      status: trialDays ? "trialing" : "active",
      trial_start: trialDays ? start : null,
      trial_end: trialDays ? start + trialDays * DAY : null,
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      latest_invoice: null,
      metadata,
      pending_update: null,
      items: {
        ...(fixture.items as Json),
        data: [{ ...item, id: this.id("si"), subscription: id, price: this.priceObject(price), quantity: 1 }],
      },
    };
    this.renewPeriod(sub, price, trialDays ? trialDays * DAY : undefined, start);
    this.subscriptions.set(id, sub);
    return sub;
  }

  private renewPeriod(sub: Obj, price: PriceSpec, length?: number, from?: number) {
    const item = (sub.items as { data: Json[] }).data[0] as Json;
    const start = from ?? Number(item.current_period_end ?? now());
    item.current_period_start = start;
    item.current_period_end = start + (length ?? (price.interval === "year" ? 365 : 30) * DAY);
  }

  private newInvoice(sub: Obj, amount: number, status: "paid" | "open"): Obj {
    const id = this.id("in");
    const item = (sub.items as { data: Json[] }).data[0] as Json;
    const invoice: Obj = {
      ...example("invoice"),
      id,
      customer: sub.customer,
      number: `TEST-${String(this.invoices.length + 1).padStart(4, "0")}`,
      status,
      amount_due: amount,
      amount_paid: status === "paid" ? amount : 0,
      amount_remaining: status === "paid" ? 0 : amount,
      created: now(),
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${id}`,
      invoice_pdf: `https://pay.stripe.com/invoice/acct_test/${id}/pdf`,
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: null, subscription: sub.id },
      },
      subscription_id: sub.id,
    };
    this.invoices.unshift(invoice);
    return invoice;
  }

  private attachCard(customer: string): Obj {
    const card: Obj = {
      ...example("payment_method"),
      id: this.id("pm"),
      customer,
      created: now(),
    };
    this.paymentMethods.push(card);
    return card;
  }

  private requireSubscription(id: string): Obj {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`no subscription ${id}`);
    return sub;
  }

  private requirePrice(id: string): PriceSpec {
    const price = this.prices.get(id);
    if (!price) throw new Error(`no price ${id}`);
    return price;
  }

  private priceOf(sub: Obj): string {
    const item = (sub.items as { data: Json[] }).data[0] as Json;
    return String((item.price as Json).id);
  }

  // ---- the HTTP side ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    const problems: string[] = [];
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${this.secretKey}` || !auth.startsWith("Bearer sk_test_"))
      problems.push(`Authorization is not "Bearer <the test secret key>": ${auth.slice(0, 16)}...`);
    if (req.headers["stripe-version"] !== ApiVersion)
      problems.push(
        `Stripe-Version ${String(req.headers["stripe-version"])} is not the pinned ${ApiVersion}`,
      );
    let params: Json = parseForm(url.searchParams);
    if (method === "POST") {
      const type = req.headers["content-type"] ?? "";
      if (!type.startsWith("application/x-www-form-urlencoded"))
        problems.push(`POST ${url.pathname} has Content-Type ${type}, not form-encoded`);
      params = parseForm(new URLSearchParams(raw));
      if (!req.headers["idempotency-key"]) problems.push(`POST ${url.pathname} has no Idempotency-Key`);
    }
    this.calls.push({ method, path: url.pathname, params, headers: req.headers });
    if (problems.length > 0) {
      this.violations.push(...problems);
      return send(res, 400, stripeError("invalid_request_error", problems.join("; ")));
    }
    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(url.pathname));
    if (failure >= 0) {
      const { reply } = this.failures.splice(failure, 1)[0] as { reply: StripeErrorReply };
      return send(res, reply.status, stripeError(reply.type, reply.message, reply.code), reply.headers);
    }
    const key = req.headers["idempotency-key"];
    if (method === "POST" && typeof key === "string") {
      const fingerprint = `${url.pathname} ${raw}`;
      const earlier = this.replies.get(key);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          const message =
            "Keys for idempotent requests can only be used with the same parameters they were first used with.";
          return send(res, 400, stripeError("idempotency_error", message));
        }
        res.setHeader("idempotent-replayed", "true");
        res.writeHead(earlier.status, { "content-type": "application/json" });
        return res.end(earlier.body);
      }
      const [status, body] = this.route(method, url.pathname, params);
      this.replies.set(key, { fingerprint, status, body: JSON.stringify(body) });
      return send(res, status, body);
    }
    const [status, body] = this.route(method, url.pathname, params);
    return send(res, status, body);
  }

  /** Stripe's routes this server answers: method, path pattern, and the answer from the path's id and the params. */
  private readonly routes: [string, RegExp, (id: string, params: Json, path: string) => [number, Json]][] = [
    ["POST", /^\/v1\/customers$/, (_, params) => this.createCustomer(params)],
    ["GET", /^\/v1\/customers\/([^/]+)$/, (id) => this.withCustomer(id, (c) => [200, c])],
    [
      "POST",
      /^\/v1\/customers\/([^/]+)$/,
      (id, params) => this.withCustomer(id, (c) => [200, updateCustomer(c, params)]),
    ],
    [
      "GET",
      /^\/v1\/customers\/([^/]+)\/payment_methods$/,
      (id, params, path) =>
        params.type === "card"
          ? [
              200,
              list(
                path,
                this.paymentMethods.filter((p) => p.customer === id),
              ),
            ]
          : [400, stripeError("invalid_request_error", "type must be card here")],
    ],
    [
      "GET",
      /^\/v1\/prices\/([^/]+)$/,
      (id) => {
        const price = this.prices.get(id);
        return price ? [200, this.priceObject(price)] : missing("price", id);
      },
    ],
    ["POST", /^\/v1\/checkout\/sessions$/, (_, params) => this.createSession(params)],
    ["POST", /^\/v1\/billing_portal\/sessions$/, (_, params) => this.createPortalSession(params)],
    [
      "GET",
      /^\/v1\/subscriptions$/,
      (_, params, path) => {
        const all = [...this.subscriptions.values()].filter((s) => s.customer === params.customer);
        const wanted = params.status === "all" ? all : all.filter((s) => s.status !== "canceled");
        return [
          200,
          list(
            path,
            wanted.sort((a, b) => Number(b.created) - Number(a.created)),
          ),
        ];
      },
    ],
    ["GET", /^\/v1\/subscriptions\/([^/]+)$/, (id) => this.withSubscription(id, (sub) => [200, sub])],
    [
      "POST",
      /^\/v1\/subscriptions\/([^/]+)$/,
      (id, params) =>
        this.withSubscription(id, (sub) => {
          if (params.cancel_at_period_end !== undefined) {
            sub.cancel_at_period_end = params.cancel_at_period_end === "true";
            sub.canceled_at = sub.cancel_at_period_end ? now() : null;
          }
          return [200, sub];
        }),
    ],
    [
      "GET",
      /^\/v1\/invoices$/,
      (_, params, path) => [
        200,
        list(
          path,
          this.invoices.filter((i) => i.customer === params.customer),
        ),
      ],
    ],
  ];

  private route(method: string, path: string, params: Json): [number, Json] {
    for (const [verb, pattern, answer] of this.routes) {
      const found = verb === method ? pattern.exec(path) : null;
      if (found) return answer(found[1] ?? "", params, path);
    }
    return [404, stripeError("invalid_request_error", `Unrecognized request URL (${method}: ${path}).`)];
  }

  private withCustomer(id: string, answer: (customer: Obj) => [number, Json]): [number, Json] {
    const customer = this.customers.get(id);
    return customer ? answer(customer) : missing("customer", id);
  }

  private withSubscription(id: string, answer: (sub: Obj) => [number, Json]): [number, Json] {
    const sub = this.subscriptions.get(id);
    return sub ? answer(sub) : missing("subscription", id);
  }

  private createCustomer(params: Json): [number, Json] {
    const customer: Obj = {
      ...example("customer"),
      id: this.id("cus"),
      created: now(),
      discount: null,
      name: params.name ?? null,
      email: params.email ?? null,
      metadata: params.metadata ?? {},
    };
    this.customers.set(customer.id, customer);
    return [200, customer];
  }

  private createPortalSession(params: Json): [number, Json] {
    if (!this.customers.has(String(params.customer))) return missing("customer", String(params.customer));
    const id = this.id("bps");
    return [
      200,
      {
        ...example("billing_portal.session"),
        id,
        customer: params.customer,
        created: now(),
        livemode: false,
        flow: null,
        return_url: params.return_url ?? null,
        url: `https://billing.stripe.com/p/session/test_${id}`,
      },
    ];
  }

  private createSession(params: Json): [number, Json] {
    const problems: string[] = [];
    if (params.mode !== "subscription") problems.push(`mode is ${String(params.mode)}, not subscription`);
    const items = params.line_items as { price?: string; quantity?: string }[] | undefined;
    const price = items?.[0]?.price;
    if (!price || !this.prices.has(price)) return missing("price", String(price));
    if (items?.[0]?.quantity !== "1") problems.push("line_items[0][quantity] is not 1");
    if (!this.customers.has(String(params.customer))) return missing("customer", String(params.customer));
    for (const url of ["success_url", "cancel_url"])
      if (typeof params[url] !== "string") problems.push(`${url} missing`);
    if (problems.length > 0) {
      this.violations.push(...problems);
      return [400, stripeError("invalid_request_error", problems.join("; "))];
    }
    const id = `cs_test_${randomBytes(16).toString("hex")}`;
    const session: Obj = {
      ...example("checkout.session"),
      id,
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      customer: params.customer,
      client_reference_id: params.client_reference_id ?? null,
      metadata: params.metadata ?? {},
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      subscription: null,
      created: now(),
      url: `https://checkout.stripe.com/c/pay/${id}`,
      line_items: items,
      subscription_data: params.subscription_data,
    };
    this.sessions.set(id, session);
    return [200, session];
  }
}

function updateCustomer(customer: Obj, params: Json): Obj {
  // An empty string unsets a field, as in Stripe's API.
  const value = (v: unknown) => (v === "" ? null : v);
  for (const field of ["name", "email"]) if (field in params) customer[field] = value(params[field]);
  if (params.address !== undefined) {
    const address = params.address as Json;
    customer.address = Object.fromEntries(Object.entries(address).map(([k, v]) => [k, value(v)]));
  }
  if (params.metadata !== undefined) {
    const metadata = { ...(customer.metadata as Json) };
    for (const [k, v] of Object.entries(params.metadata as Json)) {
      if (v === "") delete metadata[k];
      else metadata[k] = v;
    }
    customer.metadata = metadata;
  }
  if (params.invoice_settings !== undefined) {
    customer.invoice_settings = {
      ...(customer.invoice_settings as Json),
      ...(params.invoice_settings as Json),
    };
  }
  return customer;
}

const list = (url: string, data: unknown[]) => ({ object: "list", data, has_more: false, url });

const missing = (resource: string, id: string): [number, Json] => [
  404,
  stripeError("invalid_request_error", `No such ${resource}: '${id}'`, "resource_missing"),
];

function stripeError(type: string, message: string, code?: string): Json {
  return { error: { type, message, ...(code ? { code } : {}), request_log_url: null } };
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "application/json",
    "request-id": `req_${randomBytes(7).toString("hex")}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Form fields with bracketed keys (`line_items[0][price]=...`, `metadata[organization_id]=...`) into nested
 * objects and arrays, as Stripe reads them.
 */
export function parseForm(fields: URLSearchParams): Json {
  const root: Json = {};
  for (const [key, value] of fields) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = /^\d+$/.test(path[i + 1] ?? "");
      const slot = Array.isArray(node) ? Number(segment) : segment;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}
