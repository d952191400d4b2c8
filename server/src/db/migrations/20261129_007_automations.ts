import type { Knex } from "knex";

/** Automations act on a segment through an integration; each run splits a holdout and logs every delivery. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("automations", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("name").notNullable();
    t.uuid("segment_id").notNullable().references("id").inTable("segments").onDelete("CASCADE");
    t.uuid("integration_id").notNullable().references("id").inTable("integrations").onDelete("RESTRICT");
    t.jsonb("trigger").notNullable();
    t.jsonb("template").notNullable();
    t.double("holdout_pct").notNullable();
    t.text("status").notNullable();
    t.timestamp("last_run_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id"]);
  });
  await knex.schema.createTable("automation_runs", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("automation_id").notNullable().references("id").inTable("automations").onDelete("CASCADE");
    t.uuid("job_id");
    t.bigInteger("seed").notNullable();
    t.double("holdout_pct").notNullable();
    t.integer("members");
    t.integer("held_out");
    t.timestamp("prepared_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable("deliveries", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("automation_id").notNullable().references("id").inTable("automations").onDelete("CASCADE");
    t.uuid("run_id").notNullable().references("id").inTable("automation_runs").onDelete("CASCADE");
    t.uuid("customer_id").notNullable().references("id").inTable("customers").onDelete("CASCADE");
    t.text("status").notNullable().defaultTo("queued"); // queued | sending | delivered | failed | dead
    t.integer("attempts").notNullable().defaultTo(0);
    t.integer("provider_status");
    t.text("provider_response");
    t.text("last_error");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One delivery per customer per run: a retried or restarted run never sends anyone twice.
    t.unique(["run_id", "customer_id"]);
    t.index(["automation_id", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["deliveries", "automation_runs", "automations"]) await knex.schema.dropTable(table);
}
