import type { Knex } from "knex";

/**
 * Indexes for the customers list at scale. The list always reads one project's scored customers
 * (`rfm_recency_days IS NOT NULL`), sorted by monetary value by default, often narrowed to a churn risk or an
 * ABC class. Without these, every page sorts and counts the whole project. They are partial (scored rows
 * only) to stay small; more would slow the Engine, which rewrites every customer on each run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX customers_scored_monetary_idx ON customers (project_id, rfm_monetary DESC NULLS LAST, id)
     WHERE rfm_recency_days IS NOT NULL`,
  );
  await knex.raw(
    `CREATE INDEX customers_scored_churn_risk_idx ON customers (project_id, churn_risk)
     WHERE rfm_recency_days IS NOT NULL`,
  );
  await knex.raw(
    `CREATE INDEX customers_scored_abc_idx ON customers (project_id, abc_category)
     WHERE rfm_recency_days IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX customers_scored_abc_idx");
  await knex.raw("DROP INDEX customers_scored_churn_risk_idx");
  await knex.raw("DROP INDEX customers_scored_monetary_idx");
}
