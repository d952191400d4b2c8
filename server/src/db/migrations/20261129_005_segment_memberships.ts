import type { Knex } from "knex";

/**
 * Who is in which segment after each run, and every entry and exit: what automations triggered by segment
 * entry react to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("segment_memberships", (t) => {
    t.uuid("segment_id").notNullable().references("id").inTable("segments").onDelete("CASCADE");
    t.uuid("customer_id").notNullable().references("id").inTable("customers").onDelete("CASCADE");
    t.timestamp("since", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["segment_id", "customer_id"]);
  });
  await knex.schema.createTable("segment_events", (t) => {
    t.bigIncrements("id");
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.uuid("segment_id").notNullable().references("id").inTable("segments").onDelete("CASCADE");
    t.uuid("customer_id").notNullable().references("id").inTable("customers").onDelete("CASCADE");
    t.text("event").notNullable(); // enter | leave
    t.uuid("job_id");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["segment_id", "at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("segment_events");
  await knex.schema.dropTable("segment_memberships");
}
