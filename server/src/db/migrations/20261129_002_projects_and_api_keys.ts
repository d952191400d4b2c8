import type { Knex } from "knex";

/** Projects belong to an organization (better-auth's table); API keys belong to a project. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("projects", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.text("organization_id").notNullable().references("id").inTable("organization").onDelete("CASCADE");
    t.text("name").notNullable();
    t.text("description");
    t.jsonb("settings").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["organization_id"]);
  });

  // Only the SHA-256 of a key is stored; the raw key exists once, in the create response.
  await knex.schema.createTable("api_keys", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("name").notNullable();
    t.text("key_prefix").notNullable();
    t.binary("key_hash").notNullable().unique();
    t.boolean("enabled").notNullable().defaultTo(true);
    t.timestamp("expires_at", { useTz: true });
    t.timestamp("last_used_at", { useTz: true });
    t.text("created_by").references("id").inTable("user").onDelete("SET NULL");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("api_keys");
  await knex.schema.dropTable("projects");
}
