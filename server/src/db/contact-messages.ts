import type { Knex } from "knex";

export interface ContactMessageRow {
  id: string;
  name: string;
  email: string;
  message: string;
  status: "queued" | "sent";
  created_at: Date;
}

/** The contact_messages table: what visitors sent through the contact form. */
export async function insertContactMessage(
  db: Knex,
  message: { name: string; email: string; message: string; ip: string | undefined },
): Promise<ContactMessageRow> {
  const [row] = await db("contact_messages")
    .insert({ ...message, ip: message.ip ?? null })
    .returning(["id", "name", "email", "message", "status", "created_at"]);
  return row as ContactMessageRow;
}

export async function markContactMessageSent(db: Knex, id: string): Promise<void> {
  await db("contact_messages").where({ id }).update({ status: "sent" });
}
