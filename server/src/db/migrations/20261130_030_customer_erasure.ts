import type { Knex } from "knex";

/**
 * Customer erasure: customers kept erased (a one-way hash of the project and the ingested customer id, so
 * later ingests of that id are dropped without storing the id itself), and the audit trail of privacy requests,
 * which names no customer.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("customer_suppressions", (t) => {
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("customer_key_hash").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["project_id", "customer_key_hash"]);
  });
  await knex.schema.createTable("audit_events", (t) => {
    t.bigIncrements("id");
    // No foreign keys: the trail outlives what it describes.
    t.text("organization_id").notNullable();
    t.uuid("project_id").notNullable();
    t.text("action").notNullable();
    t.text("actor_kind").notNullable(); // session | apiKey
    t.text("actor_id").notNullable(); // user id or API key id
    t.uuid("job_id");
    t.jsonb("details").notNullable().defaultTo("{}");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["organization_id", "at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("audit_events");
  await knex.schema.dropTable("customer_suppressions");
}
