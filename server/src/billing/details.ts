import { ensureBillingAccount, findBillingAccount, saveBillingDetails } from "../db/billing-accounts.js";
import { callStripe, type Stripe } from "./stripe.js";
import { type BillingDeps, type BillingOrganization, customerOf } from "./subscription.js";

export interface BillingAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface BillingDetails {
  name: string | null;
  email: string | null;
  taxId: string | null;
  address: BillingAddress;
}

const EMPTY: BillingDetails = {
  name: null,
  email: null,
  taxId: null,
  address: { line1: null, line2: null, city: null, state: null, postalCode: null, country: null },
};

/**
 * The billing details: the Stripe customer's when there is one (the portal may have changed them), else the
 * ones saved here (a server without Stripe keeps them for when it gets one).
 */
export async function billingDetailsOf(deps: BillingDeps, organizationId: string): Promise<BillingDetails> {
  const account = await findBillingAccount(deps.db, organizationId);
  const stripe = deps.stripe;
  const customerId = account?.stripe_customer_id;
  if (stripe && customerId) {
    const customer = await callStripe(() => stripe.client.customers.retrieve(customerId));
    if (!customer.deleted) return detailsOfCustomer(customer);
  }
  return { ...EMPTY, ...(account?.details as Partial<BillingDetails> | null) };
}

const textOrNull = (value: string | null | undefined) => (value ? value : null);

function detailsOfCustomer(customer: Stripe.Customer): BillingDetails {
  const a = customer.address;
  return {
    name: textOrNull(customer.name),
    email: textOrNull(customer.email),
    taxId: textOrNull(customer.metadata.tax_id),
    address: {
      line1: textOrNull(a?.line1),
      line2: textOrNull(a?.line2),
      city: textOrNull(a?.city),
      state: textOrNull(a?.state),
      postalCode: textOrNull(a?.postal_code),
      country: textOrNull(a?.country),
    },
  };
}

/**
 * Replaces the billing details: first on the Stripe customer (created if needed), then here, so a Stripe
 * failure leaves both as they were. The tax id travels as customer metadata and as an invoice custom field,
 * so it is printed on every invoice whatever its country's tax id type.
 */
export async function updateBillingDetails(
  deps: BillingDeps,
  organization: BillingOrganization,
  details: BillingDetails,
): Promise<BillingDetails> {
  const stripe = deps.stripe;
  if (stripe) {
    const customerId = await customerOf(deps, stripe, organization);
    const a = details.address;
    await callStripe(() =>
      stripe.client.customers.update(customerId, {
        name: details.name ?? "",
        email: details.email ?? "",
        address: {
          line1: a.line1 ?? "",
          line2: a.line2 ?? "",
          city: a.city ?? "",
          state: a.state ?? "",
          postal_code: a.postalCode ?? "",
          country: a.country ?? "",
        },
        metadata: { tax_id: details.taxId ?? "" },
        invoice_settings: {
          custom_fields: details.taxId ? [{ name: "Tax ID", value: details.taxId }] : "",
        },
      }),
    );
  }
  await ensureBillingAccount(deps.db, organization.id);
  await saveBillingDetails(deps.db, organization.id, { ...details });
  return details;
}
