import type { Knex } from "knex";

export interface OutboxMail {
  to: string;
  subject: string;
  body: string;
  replyTo?: string;
}

/** The mail_outbox table: every outgoing mail is recorded before it is sent, then marked sent or failed. */
export async function insertOutboxMail(db: Knex, mail: OutboxMail): Promise<string> {
  const [row] = await db("mail_outbox")
    .insert({ to_address: mail.to, subject: mail.subject, body: mail.body, reply_to: mail.replyTo ?? null })
    .returning("id");
  return (row as { id: string }).id;
}

export async function markOutboxMail(
  db: Knex,
  id: string,
  result: { sent: true } | { sent: false; error: string },
) {
  await db("mail_outbox")
    .where({ id })
    .update(
      result.sent
        ? { status: "sent", sent_at: db.fn.now(), error: null }
        : { status: "failed", error: result.error },
    );
}
