import type { Knex } from "knex";

/** Delivery channels of a project: visible settings in `config`, credentials only in `secrets`, encrypted. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("integrations", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("channel").notNullable();
    t.text("name").notNullable();
    t.jsonb("config").notNullable(); // non-secret settings only
    t.text("secrets").notNullable(); // AES-256-GCM sealed JSON of the secret fields
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("integrations");
}
