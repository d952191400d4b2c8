import type { Knex } from "knex";

/**
 * Incremental runs: a full segmentation keeps what it learned (`model_runs.scoring`: cut points, ABC floors,
 * scaling, centroids, segment ids) so a later small batch scores only its customers against it; the customers a
 * batch changed are those whose `updated_at` (set by every ingest upsert) is later than the full run's start,
 * found through the index below instead of a scan of the project's customers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("model_runs", (t) => {
    t.jsonb("scoring");
  });
  await knex.raw("CREATE INDEX customers_project_updated ON customers (project_id, updated_at)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX IF EXISTS customers_project_updated");
  await knex.schema.alterTable("model_runs", (t) => {
    t.dropColumn("scoring");
  });
}
