import type { Knex } from "knex";
import { insertContactMessage, markContactMessageSent } from "../../db/contact-messages.js";
import type { Mailer } from "../../mail/mailer.js";

export interface ContactMessage {
  name: string;
  email: string;
  message: string;
}

/**
 * Stores a contact-form message and its mail to support in one transaction, then tries to deliver the mail.
 * The message is never lost: if delivery fails it stays queued in the outbox.
 */
export async function submitContactMessage(
  deps: { db: Knex; mailer: Mailer; supportEmail: string },
  input: ContactMessage,
  ip: string | undefined,
): Promise<{ id: string; status: "sent" | "queued"; createdAt: string }> {
  const mail = {
    to: deps.supportEmail,
    replyTo: input.email,
    subject: `Contact form: ${input.name.slice(0, 80)}`,
    body: `From: ${input.name} <${input.email}>\n\n${input.message}\n`,
  };
  const { row, outboxId } = await deps.db.transaction(async (trx) => {
    const row = await insertContactMessage(trx, { ...input, ip });
    const outboxId = await deps.mailer.enqueue(mail, trx);
    return { row, outboxId };
  });
  const delivered = await deps.mailer.deliver(outboxId, mail);
  if (delivered) await markContactMessageSent(deps.db, row.id);
  return { id: row.id, status: delivered ? "sent" : "queued", createdAt: row.created_at.toISOString() };
}
