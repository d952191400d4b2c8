import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

/** A real SMTP server on loopback that keeps what it receives. */
function startSmtp() {
  const received: { from: string; to: string[]; data: string }[] = [];
  let reject = false;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let data = "";
      stream.on("data", (chunk: Buffer) => {
        data += chunk.toString("utf8");
      });
      stream.on("end", () => {
        if (reject) {
          done(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        done();
      });
    },
  });
  return new Promise<{
    port: number;
    received: typeof received;
    fail(on: boolean): void;
    close(): Promise<void>;
  }>((resolve) => {
    smtp.listen(0, "127.0.0.1", () => {
      resolve({
        port: (smtp.server.address() as AddressInfo).port,
        received,
        fail: (on) => {
          reject = on;
        },
        close: () => new Promise((done) => smtp.close(() => done())),
      });
    });
  });
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({
    smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
    supportEmail: "help@segmento.test",
  });
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

describe("contact messages over SMTP", () => {
  it("delivers the message to the support address, replying to the sender", async () => {
    const res = await server.request("/api/contact", {
      body: { name: "Grace Hopper", email: "grace@example.com", message: "Job 8f1c2d3e failed at 40%." },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("sent");
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(["help@segmento.test"]);
    expect(mail.data).toContain("Reply-To: grace@example.com");
    expect(mail.data).toContain("Job 8f1c2d3e failed at 40%.");
    const outbox = await server.app.db.knex("mail_outbox").where({ reply_to: "grace@example.com" }).first();
    expect(outbox.status).toBe("sent");
  });

  it("keeps the message queued, with the reason, when the SMTP server refuses it", async () => {
    smtp.fail(true);
    try {
      const res = await server.request("/api/contact", {
        body: {
          name: "Alan Turing",
          email: "alan@example.com",
          message: "Please call me back about billing.",
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe("queued");
      const outbox = await server.app.db.knex("mail_outbox").where({ reply_to: "alan@example.com" }).first();
      expect(outbox.status).toBe("failed");
      expect(outbox.error).toContain("mailbox unavailable");
      const message = await server.app.db.knex("contact_messages").where({ id: res.body.id }).first();
      expect(message.status).toBe("queued");
    } finally {
      smtp.fail(false);
    }
  });
});
