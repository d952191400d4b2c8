import type { Knex } from "knex";

/**
 * Customer profiles promised to accepted files: the customer keys a file brings that were neither customers
 * nor reserved when it was accepted, so that batches accepted at once cannot together pass the plan's profile
 * limit. A reservation counts while its file is pending or processing and its customer does not exist yet; the
 * ingest job stores the customers and completes the file in one transaction, so a profile is counted as
 * reserved or as a customer, never both and never neither. Rows go with their file.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("profile_reservations", (t) => {
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("customer_key").notNullable();
    t.uuid("file_id").notNullable().references("id").inTable("files").onDelete("CASCADE");
    t.primary(["project_id", "customer_key", "file_id"]);
    t.index(["file_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("profile_reservations");
}
