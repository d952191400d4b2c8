import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

/**
 * Plans, subscription, invoices and usage of an organization. Stripe's webhook (`handleStripeWebhook`) is
 * not here: Stripe calls it, signed with Stripe's secret, so no client of the API ever does.
 */
export class Billing extends APIResource {
  /** The plans and their limits. Public. */
  plans(options?: RequestOptions): APIPromise<Schema<"PlanList">> {
    return this.client.request("get", "/api/plans", {}, options);
  }

  get(orgId: string, options?: RequestOptions): APIPromise<Schema<"BillingDetails">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/billing",
      { params: { path: { orgId } } },
      options,
    );
  }

  update(
    orgId: string,
    body: Input<"BillingDetails">,
    options?: RequestOptions,
  ): APIPromise<Schema<"BillingDetails">> {
    const init = { params: { path: { orgId } }, body };
    return this.client.request("put", "/api/organizations/{orgId}/billing", init, options);
  }

  invoices(orgId: string, options?: RequestOptions): APIPromise<Schema<"InvoiceList">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("get", "/api/organizations/{orgId}/invoices", init, options);
  }

  paymentMethods(orgId: string, options?: RequestOptions): APIPromise<Schema<"PaymentMethodList">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("get", "/api/organizations/{orgId}/payment-methods", init, options);
  }

  /** A Stripe billing-portal link. */
  createPortalSession(orgId: string, options?: RequestOptions): APIPromise<Schema<"BillingPortalSession">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("post", "/api/organizations/{orgId}/billing-portal", init, options);
  }

  /** A Stripe Checkout link for a paid plan. */
  createCheckoutSession(
    orgId: string,
    body: Input<"CheckoutRequest">,
    options?: RequestOptions,
  ): APIPromise<Schema<"CheckoutSession">> {
    const init = { params: { path: { orgId } }, body };
    return this.client.request("post", "/api/organizations/{orgId}/checkout", init, options);
  }

  subscribeFree(orgId: string, options?: RequestOptions): APIPromise<Schema<"Subscription">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("post", "/api/organizations/{orgId}/subscribe-free", init, options);
  }

  cancelSubscription(orgId: string, options?: RequestOptions): APIPromise<Schema<"Subscription">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("post", "/api/organizations/{orgId}/cancel-subscription", init, options);
  }

  /** Re-reads the subscription from Stripe. */
  syncSubscription(orgId: string, options?: RequestOptions): APIPromise<Schema<"Subscription">> {
    const init = { params: { path: { orgId } } };
    return this.client.request("post", "/api/organizations/{orgId}/sync-subscription", init, options);
  }

  /** What the organization used of each plan quota this period. */
  usage(orgId: string, options?: RequestOptions): APIPromise<Schema<"Usage">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/usage",
      { params: { path: { orgId } } },
      options,
    );
  }
}
