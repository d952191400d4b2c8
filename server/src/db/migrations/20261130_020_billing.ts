import type { Knex } from "knex";

/**
 * Billing on Stripe.
 * - billing_accounts: one per organization that touched billing: its Stripe customer, the subscription state
 *   last read from Stripe (the organization's `plan` follows it) and the billing details kept on the customer.
 * - stripe_events: every webhook event id received, so a redelivered event changes nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("billing_accounts", (t) => {
    t.text("organization_id").primary().references("id").inTable("organization").onDelete("CASCADE");
    t.text("stripe_customer_id").unique();
    t.text("stripe_subscription_id");
    t.text("status").notNullable().defaultTo("none"); // the Subscription schema's status
    t.text("interval"); // month | year | null on free
    t.timestamp("current_period_start", { useTz: true });
    t.timestamp("current_period_end", { useTz: true });
    t.boolean("cancel_at_period_end").notNullable().defaultTo(false);
    t.timestamp("trial_end", { useTz: true });
    t.timestamp("past_due_since", { useTz: true });
    t.jsonb("details"); // BillingDetails as last written
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable("stripe_events", (t) => {
    t.text("id").primary();
    t.text("type").notNullable();
    t.timestamp("received_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("stripe_events");
  await knex.schema.dropTable("billing_accounts");
}
