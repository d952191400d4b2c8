import type { Knex } from "knex";

/**
 * Ingestion: files (every batch, uploaded or sent through the API, is a file), the jobs that process them,
 * the transactions and campaign exposures they hold, each customer's raw aggregates, and stored responses
 * for Idempotency-Key replays.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("files", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("name").notNullable();
    t.text("source").notNullable(); // upload | api
    t.text("format").notNullable(); // csv | xlsx
    t.text("storage_key").notNullable();
    t.bigInteger("size_bytes").notNullable();
    t.integer("row_count");
    t.integer("skipped_rows").notNullable().defaultTo(0);
    t.text("status").notNullable().defaultTo("pending");
    t.text("error_message");
    t.uuid("job_id");
    t.text("batch_id");
    t.jsonb("options").notNullable().defaultTo("{}"); // column mapping, delimiter, skipInvalidRows
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id", "created_at"]);
  });
  // One batch id per project: sending the same batch again returns the original job.
  await knex.raw(
    "CREATE UNIQUE INDEX files_project_batch ON files (project_id, batch_id) WHERE batch_id IS NOT NULL",
  );

  await knex.schema.createTable("jobs", (t) => {
    t.uuid("id").primary();
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("type").notNullable(); // ingest | segmentation | predictive | action | automation_run
    t.text("status").notNullable().defaultTo("queued"); // queued | processing | completed | failed | skipped
    t.integer("pct").notNullable().defaultTo(0);
    t.text("message").notNullable().defaultTo("Queued");
    t.uuid("file_id").references("id").inTable("files").onDelete("SET NULL");
    t.jsonb("data").notNullable().defaultTo("{}");
    t.jsonb("result");
    t.text("error_message");
    t.integer("attempts").notNullable().defaultTo(0);
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("started_at", { useTz: true });
    t.timestamp("finished_at", { useTz: true });
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id", "type", "created_at"]);
    t.index(["status", "created_at"]);
  });

  await knex.schema.createTable("transactions", (t) => {
    t.bigIncrements("id");
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("customer_key").notNullable();
    t.timestamp("order_date", { useTz: true }).notNullable();
    t.decimal("amount", 18, 6).notNullable();
    t.text("order_id");
    t.double("quantity");
    t.text("currency");
    t.text("status");
    t.boolean("is_return").notNullable();
    t.uuid("file_id").notNullable();
    t.integer("line").notNullable();
    // A line of a file is stored once, whatever happens to the worker that reads it.
    t.unique(["file_id", "line"]);
    t.index(["project_id", "customer_key", "order_date"]);
  });

  await knex.schema.createTable("campaign_exposures", (t) => {
    t.bigIncrements("id");
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("customer_key").notNullable();
    t.text("campaign_id").notNullable();
    t.text("group").notNullable(); // treatment | control
    t.timestamp("exposed_at", { useTz: true }).notNullable();
    t.uuid("file_id");
    t.integer("line");
    t.unique(["file_id", "line"]);
    t.index(["project_id", "campaign_id"]);
  });

  await knex.schema.createTable("customers", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("customer_key").notNullable();
    t.text("customer_id_hash").notNullable();
    t.timestamp("first_transaction_at", { useTz: true }).notNullable();
    t.timestamp("last_transaction_at", { useTz: true }).notNullable();
    t.integer("purchase_count").notNullable().defaultTo(0);
    t.integer("return_count").notNullable().defaultTo(0);
    t.decimal("gross_amount", 18, 6).notNullable().defaultTo(0);
    t.decimal("return_amount", 18, 6).notNullable().defaultTo(0);
    t.jsonb("extra_features").notNullable().defaultTo("{}");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["project_id", "customer_key"]);
  });

  await knex.schema.createTable("idempotency_keys", (t) => {
    t.text("scope").notNullable(); // operation + who asked
    t.text("key").notNullable();
    t.text("request_hash").notNullable();
    t.integer("status_code"); // null while the first request is still running
    t.jsonb("response_body");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["scope", "key"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    "idempotency_keys",
    "customers",
    "campaign_exposures",
    "transactions",
    "jobs",
    "files",
  ]) {
    await knex.schema.dropTable(table);
  }
}
