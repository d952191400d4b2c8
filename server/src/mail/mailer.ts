import type { Knex } from "knex";
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import { insertOutboxMail, markOutboxMail, type OutboxMail } from "../db/mail-outbox.js";

/**
 * Sends mail through the outbox: the mail is recorded first (inside the caller's transaction when given), then
 * sent over SMTP when SMTP_URL is configured. Without SMTP it stays queued in the outbox and a log line says so,
 * so nothing is lost in development.
 */
export class Mailer {
  private readonly transport: Transporter | undefined;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    private readonly options: { smtpUrl: string | undefined; from: string },
  ) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  /** Records the mail; returns its outbox id. Call `deliver` after the surrounding transaction commits. */
  enqueue(mail: OutboxMail, trx: Knex = this.db): Promise<string> {
    return insertOutboxMail(trx, mail);
  }

  /** Tries to send one recorded mail. Returns true when the SMTP server accepted it. */
  async deliver(id: string, mail: OutboxMail): Promise<boolean> {
    if (!this.transport) {
      this.logger.info(
        { outboxId: id, to: mail.to, subject: mail.subject },
        "mail kept in the outbox (SMTP_URL is not set)",
      );
      return false;
    }
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.body,
      });
      await markOutboxMail(this.db, id, { sent: true });
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ outboxId: id, reason }, "mail delivery failed; kept in the outbox");
      await markOutboxMail(this.db, id, { sent: false, error: reason });
      return false;
    }
  }

  close(): void {
    this.transport?.close();
  }
}
