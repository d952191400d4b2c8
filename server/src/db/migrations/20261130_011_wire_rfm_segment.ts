import type { Knex } from "knex";

/**
 * Every customer's segment of the standard RFM grid (Champions, Loyal Customers, ..., Lost), from the customer's
 * own R, F and M scores: a per-customer label that is always true of that customer, beside the cluster segment.
 * Indexed like the other shortcut filters of the customers list (scored rows only).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("customers", (t) => {
    t.text("rfm_segment");
  });
  await knex.raw(
    `CREATE INDEX customers_scored_rfm_segment_idx ON customers (project_id, rfm_segment)
     WHERE rfm_recency_days IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX customers_scored_rfm_segment_idx");
  await knex.schema.alterTable("customers", (t) => {
    t.dropColumn("rfm_segment");
  });
}
