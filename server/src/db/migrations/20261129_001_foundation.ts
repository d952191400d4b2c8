import type { Knex } from "knex";

/** pgvector for customer embeddings, and the support inbox: contact messages and the mail outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE EXTENSION IF NOT EXISTS vector");

  await knex.schema.createTable("contact_messages", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.text("name").notNullable();
    t.text("email").notNullable();
    t.text("message").notNullable();
    t.text("ip");
    t.text("status").notNullable().defaultTo("queued");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Every outgoing mail is written here first; the mailer sends it and records the result.
  await knex.schema.createTable("mail_outbox", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.text("to_address").notNullable();
    t.text("reply_to");
    t.text("subject").notNullable();
    t.text("body").notNullable();
    t.text("status").notNullable().defaultTo("queued");
    t.text("error");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("sent_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("mail_outbox");
  await knex.schema.dropTable("contact_messages");
}
