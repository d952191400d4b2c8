import type { Knex } from "knex";

/**
 * Customer profiles promised to accepted files: a file waiting for (or in) its ingest job holds the number of new
 * customers it was accepted with, so that batches accepted at once cannot together pass the plan's profile limit.
 * The reservation counts while the file is pending or processing; the job stores the customers and completes the
 * file in one transaction, so a profile is counted as reserved or as a customer, never both and never neither.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("files", (t) => {
    t.integer("reserved_profiles").notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("files", (t) => {
    t.dropColumn("reserved_profiles");
  });
}
