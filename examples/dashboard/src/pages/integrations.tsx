import type { Input, Schema } from "@segmento/sdk";
import { useState } from "preact/hooks";
import type { MessageKey } from "../i18n/index.js";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote } from "../ui/feedback.js";
import { ConfirmButton, CopyButton, Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { Stat } from "../ui/table.js";

type Channel = Schema<"IntegrationChannel">;
type Integration = Schema<"Integration">;

interface ChannelField {
  key: string;
  type: "text" | "url" | "email" | "secret";
  required?: boolean;
  pattern?: string;
  placeholder?: string;
}

/** Each channel's configuration, as the contract defines it (secrets come back as [REDACTED]). */
export const CHANNELS: Record<Channel, ChannelField[]> = {
  custom_webhook: [
    { key: "url", type: "url", required: true, placeholder: "https://crm.example.com/hooks/segmento" },
  ],
  sendgrid: [
    { key: "apiKey", type: "secret", required: true },
    { key: "fromEmail", type: "email" },
    { key: "fromName", type: "text" },
  ],
  mailchimp: [
    { key: "apiKey", type: "secret", required: true, placeholder: "…-us21" },
    { key: "listId", type: "text", required: true },
  ],
  amazon_ses: [
    { key: "accessKeyId", type: "text", required: true },
    { key: "secretAccessKey", type: "secret", required: true },
    {
      key: "region",
      type: "text",
      required: true,
      pattern: "[a-z]{2}(-[a-z]+)+-\\d",
      placeholder: "eu-central-1",
    },
    { key: "fromEmail", type: "email" },
  ],
  twilio: [
    { key: "accountSid", type: "text", required: true, pattern: "AC[0-9a-fA-F]{32}" },
    { key: "authToken", type: "secret", required: true },
    { key: "fromNumber", type: "text", pattern: "\\+[1-9]\\d{1,14}", placeholder: "+15005550006" },
  ],
  messagebird: [
    { key: "apiKey", type: "secret", required: true },
    { key: "originator", type: "text" },
  ],
  slack: [
    { key: "webhookUrl", type: "secret", required: true, placeholder: "https://hooks.slack.com/services/…" },
  ],
  teams: [{ key: "webhookUrl", type: "secret", required: true }],
};

export function IntegrationsPage() {
  const { client, project, t } = useApp();
  const integrations = useLoad(() => client.integrations.list(project!.id), [project!.id]);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  return (
    <>
      <h1>{t("nav.integrations")}</h1>
      <p class="lead">{t("integrations.intro")}</p>
      <NewIntegration
        onCreated={(created) => {
          setSecret(created.signingSecret);
          integrations.reload();
        }}
      />
      {secret && <SigningSecret secret={secret} onDismiss={() => setSecret(undefined)} />}
      <section class="card" aria-labelledby="integrations-title">
        <h2 id="integrations-title">{t("integrations.list")}</h2>
        <Async state={integrations}>
          {({ integrations: list }) =>
            list.length === 0 ? (
              <Empty title={t("integrations.none")}>
                <p>{t("integrations.noneBody")}</p>
              </Empty>
            ) : (
              <ul class="cards">
                {list.map((integration) => (
                  <IntegrationCard
                    key={integration.id}
                    integration={integration}
                    onSecret={setSecret}
                    onDeleted={integrations.reload}
                  />
                ))}
              </ul>
            )
          }
        </Async>
      </section>
    </>
  );
}

function SigningSecret({ secret, onDismiss }: { secret: string; onDismiss(): void }) {
  const { t } = useApp();
  return (
    <div class="note secret" role="status">
      <p>
        <strong>{t("integrations.secretOnce")}</strong>
      </p>
      <p class="row">
        <code class="key">{secret}</code>
        <CopyButton text={secret} />
      </p>
      <button type="button" class="link" onClick={onDismiss}>
        {t("keys.saved")}
      </button>
    </div>
  );
}

function NewIntegration({ onCreated }: { onCreated(created: Schema<"IntegrationCreated">): void }) {
  const { client, project, t } = useApp();
  const [channel, setChannel] = useState<Channel>("custom_webhook");
  const [name, setName] = useState("");
  const [config, setConfig] = useState<Record<string, string>>({});
  const create = useAction(async () => {
    const filled = Object.fromEntries(Object.entries(config).filter(([, v]) => v.trim() !== ""));
    const created = await client.integrations.create(project!.id, {
      channel,
      name,
      config: filled,
    } as Input<"IntegrationCreate">);
    setName("");
    setConfig({});
    onCreated(created);
  });
  return (
    <section class="card" aria-labelledby="new-integration-title">
      <h2 id="new-integration-title">{t("integrations.create")}</h2>
      <Form onSubmit={() => create.run()}>
        <div class="grid two">
          <Field label={t("integrations.channel")}>
            <select
              value={channel}
              onChange={(e) => {
                setChannel(e.currentTarget.value as Channel);
                setConfig({});
              }}
            >
              {(Object.keys(CHANNELS) as Channel[]).map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("integrations.name")}>
            <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          {CHANNELS[channel].map((field) => (
            <Field
              key={`${channel}.${field.key}`}
              label={t(`config.${field.key}` as MessageKey)}
              hint={field.type === "secret" ? t("integrations.secretHint") : undefined}
            >
              <input
                type={(field.type === "secret" ? "password" : field.type) as "text"}
                autoComplete="off"
                required={field.required}
                pattern={field.pattern}
                placeholder={field.placeholder}
                value={config[field.key] ?? ""}
                onInput={(e) => setConfig({ ...config, [field.key]: e.currentTarget.value })}
              />
            </Field>
          ))}
        </div>
        <ErrorNote error={create.error} />
        <Submit pending={create.pending}>{t("integrations.create")}</Submit>
      </Form>
    </section>
  );
}

function IntegrationCard({
  integration,
  onSecret,
  onDeleted,
}: {
  integration: Integration;
  onSecret(secret: string): void;
  onDeleted(): void;
}) {
  const { client, t } = useApp();
  const [result, setResult] = useState<Schema<"IntegrationTestResult"> | undefined>(undefined);
  const test = useAction(async () => {
    setResult(undefined);
    setResult(await client.integrations.test(integration.id));
  });
  const rotate = useAction(async () =>
    onSecret((await client.integrations.rotateSecret(integration.id)).signingSecret),
  );
  const remove = useAction(async () => {
    await client.integrations.delete(integration.id);
    onDeleted();
  });
  return (
    <li class="card inner">
      <div class="row spread">
        <h3>
          {integration.name} <span class="pill">{t(`channel.${integration.channel}`)}</span>
        </h3>
        <div class="row">
          <button type="button" onClick={() => test.run()} disabled={test.pending} aria-busy={test.pending}>
            {test.pending ? t("integrations.testing") : t("integrations.test")}
          </button>
          {integration.channel === "custom_webhook" && (
            <button type="button" onClick={() => rotate.run()} disabled={rotate.pending}>
              {t("integrations.rotate")}
            </button>
          )}
          <ConfirmButton
            label={t("common.delete")}
            question={t("integrations.confirmDelete", { name: integration.name })}
            pending={remove.pending}
            onConfirm={() => remove.run()}
          />
        </div>
      </div>
      <dl class="stats">
        {Object.entries(integration.config).map(([key, value]) => (
          <Stat key={key} label={key} value={<code>{value}</code>} />
        ))}
      </dl>
      {result && (
        <p class="note success" role="status">
          {t("integrations.testOk", { status: result.providerStatus ?? "—" })} {result.message}
        </p>
      )}
      <ErrorNote error={test.error} title={t("integrations.testFailed")} />
      <ErrorNote error={rotate.error} />
      <ErrorNote error={remove.error} />
    </li>
  );
}
