import type { Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote } from "../ui/feedback.js";
import { ConfirmButton, CopyButton, Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { DataTable } from "../ui/table.js";

export function ApiKeysPage() {
  const { client, project, t, fmt } = useApp();
  const keys = useLoad(() => client.apiKeys.list(project!.id), [project!.id]);
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<Schema<"ApiKeyCreated"> | undefined>(undefined);
  const create = useAction(async () => {
    const key = await client.apiKeys.create(project!.id, {
      name,
      ...(expires && { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() }),
    });
    setCreated(key);
    setName("");
    setExpires("");
    keys.reload();
  });
  const change = useAction(async (key: Schema<"ApiKey">, action: "toggle" | "delete") => {
    if (action === "delete") await client.apiKeys.delete(project!.id, key.id);
    else await client.apiKeys.update(project!.id, key.id, { enabled: !key.enabled });
    keys.reload();
  });
  return (
    <>
      <h1>{t("nav.apiKeys")}</h1>
      <p class="lead">{t("keys.intro")}</p>
      <section class="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">{t("keys.create")}</h2>
        <Form class="row end" onSubmit={() => create.run()}>
          <Field label={t("keys.name")}>
            <input
              name="name"
              required
              maxLength={100}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </Field>
          <Field label={t("keys.expires")} hint={t("keys.expiresHint")}>
            <input type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
          </Field>
          <Submit pending={create.pending}>{t("keys.create")}</Submit>
        </Form>
        <ErrorNote error={create.error} />
        {created && (
          <div class="note secret" role="status">
            <p>
              <strong>{t("keys.shownOnce")}</strong>
            </p>
            <p class="row">
              <code class="key" data-testid="new-key">
                {created.key}
              </code>
              <CopyButton text={created.key} />
            </p>
            <button type="button" class="link" onClick={() => setCreated(undefined)}>
              {t("keys.saved")}
            </button>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="keys-title">
        <h2 id="keys-title">{t("keys.list")}</h2>
        <ErrorNote error={change.error} />
        <Async state={keys}>
          {({ apiKeys }) =>
            apiKeys.length === 0 ? (
              <Empty title={t("keys.none")}>
                <p>{t("keys.noneBody")}</p>
              </Empty>
            ) : (
              <DataTable
                columns={[
                  t("keys.name"),
                  t("keys.prefix"),
                  t("keys.status"),
                  t("keys.created"),
                  t("keys.lastUsed"),
                  t("keys.expires"),
                  "actions",
                ]}
              >
                {apiKeys.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.keyPrefix}…</code>
                    </td>
                    <td>
                      <span class={`pill ${key.enabled ? "completed" : "failed"}`}>
                        {key.enabled ? t("keys.enabled") : t("keys.disabled")}
                      </span>
                    </td>
                    <td>{fmt.date(key.createdAt)}</td>
                    <td>{key.lastUsedAt ? fmt.dateTime(key.lastUsedAt) : t("keys.never")}</td>
                    <td>{key.expiresAt ? fmt.date(key.expiresAt) : t("keys.noExpiry")}</td>
                    <td class="actions">
                      <button
                        type="button"
                        disabled={change.pending}
                        onClick={() => change.run(key, "toggle")}
                      >
                        {key.enabled ? t("keys.disable") : t("keys.enable")}
                      </button>
                      <ConfirmButton
                        label={t("common.delete")}
                        question={t("keys.confirmDelete", { name: key.name })}
                        pending={change.pending}
                        onConfirm={() => change.run(key, "delete")}
                      />
                    </td>
                  </tr>
                ))}
              </DataTable>
            )
          }
        </Async>
      </section>
    </>
  );
}
