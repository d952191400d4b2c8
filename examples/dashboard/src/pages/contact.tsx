import type { Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import { useApp } from "../state.js";
import { ErrorNote } from "../ui/feedback.js";
import { Field, Form, Submit } from "../ui/forms.js";
import { useAction } from "../ui/hooks.js";

/** A message to support (public: also reachable signed out). */
export function ContactPage() {
  const { client, user, t } = useApp();
  const [name, setName] = useState(user?.name ?? "");
  const [email, setEmail] = useState(user?.email ?? "");
  const [message, setMessage] = useState("");
  const [receipt, setReceipt] = useState<Schema<"ContactReceipt"> | undefined>(undefined);
  const send = useAction(async () => {
    setReceipt(await client.contact.submit({ name, email, message }));
    setMessage("");
  });
  return (
    <section class="card narrow">
      <h1>{t("nav.contact")}</h1>
      <p>{t("contact.intro")}</p>
      {receipt && (
        <p class="note success" role="status">
          {t(receipt.status === "sent" ? "contact.sent" : "contact.queued")}{" "}
          <span class="meta">
            {t("contact.reference")} <code>{receipt.id}</code>
          </span>
        </p>
      )}
      <Form onSubmit={() => send.run()}>
        <Field label={t("auth.name")}>
          <input
            required
            minLength={2}
            maxLength={200}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("auth.email")}>
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field label={t("contact.message")} hint={t("contact.messageHint")}>
          <textarea
            required
            minLength={10}
            maxLength={5000}
            rows={6}
            value={message}
            onInput={(e) => setMessage(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote error={send.error} />
        <Submit pending={send.pending}>{t("contact.send")}</Submit>
      </Form>
    </section>
  );
}
