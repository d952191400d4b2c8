import { findBillingAccount } from "../db/billing-accounts.js";
import { callStripe, type Stripe } from "./stripe.js";
import type { BillingDeps } from "./subscription.js";

const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The Stripe customer's id, or undefined when Stripe is not configured or the organization never needed one. */
async function customerIdOf(deps: BillingDeps, organizationId: string) {
  if (!deps.stripe) return undefined;
  return (await findBillingAccount(deps.db, organizationId))?.stripe_customer_id ?? undefined;
}

/** Invoices, newest first (Stripe's order), with hosted and PDF links. No customer yet: none. */
export async function invoicesOf(deps: BillingDeps, organizationId: string) {
  const customer = await customerIdOf(deps, organizationId);
  const stripe = deps.stripe;
  if (!stripe || !customer) return [];
  const list = await callStripe(() => stripe.client.invoices.list({ customer, limit: 100 }));
  return list.data.flatMap((invoice: Stripe.Invoice) =>
    invoice.id
      ? [
          {
            id: invoice.id,
            number: invoice.number,
            status: INVOICE_STATUSES.find((known) => known === invoice.status) ?? "draft",
            currency: invoice.currency,
            amountDue: invoice.amount_due,
            amountPaid: invoice.amount_paid,
            created: iso(invoice.created),
            periodStart: iso(invoice.period_start),
            periodEnd: iso(invoice.period_end),
            hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
            invoicePdf: invoice.invoice_pdf ?? null,
          },
        ]
      : [],
  );
}

/** Saved cards, the customer's default for invoices marked. No customer yet: none. */
export async function paymentMethodsOf(deps: BillingDeps, organizationId: string) {
  const customerId = await customerIdOf(deps, organizationId);
  const stripe = deps.stripe;
  if (!stripe || !customerId) return [];
  const [customer, cards] = await Promise.all([
    callStripe(() => stripe.client.customers.retrieve(customerId)),
    callStripe(() => stripe.client.customers.listPaymentMethods(customerId, { type: "card", limit: 100 })),
  ]);
  const fallback = customer.deleted ? null : customer.invoice_settings.default_payment_method;
  const defaultId = typeof fallback === "string" ? fallback : (fallback?.id ?? null);
  return cards.data.flatMap((method) =>
    method.card
      ? [
          {
            id: method.id,
            brand: method.card.brand,
            last4: method.card.last4,
            expMonth: method.card.exp_month,
            expYear: method.card.exp_year,
            isDefault: method.id === defaultId,
          },
        ]
      : [],
  );
}
