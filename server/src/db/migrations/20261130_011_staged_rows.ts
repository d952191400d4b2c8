import type { Knex } from "knex";

/**
 * The ingest fast path. Every accepted file (an API batch or an upload) is normalized once, when it is accepted,
 * into its staged rows: a file in COPY's text format that the ingest job streams straight into its staging
 * table. `rows_key` is where that file is stored (for an API batch it is the stored file itself), `rows_bytes`
 * its size (the job's progress). `jsonb_merge_agg` folds a customer's extra features in line order, the latest
 * value of a key winning, without expanding each row's object into key/value rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("files", (t) => {
    t.text("rows_key");
    t.bigInteger("rows_bytes");
  });
  await knex.raw(
    "CREATE AGGREGATE jsonb_merge_agg(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP AGGREGATE jsonb_merge_agg(jsonb)");
  await knex.schema.alterTable("files", (t) => {
    t.dropColumn("rows_bytes");
    t.dropColumn("rows_key");
  });
}
