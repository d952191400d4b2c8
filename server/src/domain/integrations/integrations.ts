import { randomBytes } from "node:crypto";
import type { Agent } from "undici";
import { pinnedDispatcher } from "../../channels/ssrf.js";
import type { AppContext } from "../../context.js";
import type { IntegrationRow } from "../../db/integrations.js";
import * as table from "../../db/integrations.js";
import type { SecretBox } from "../../security/secret-box.js";
import { DomainError, notFound } from "../errors.js";
import { requireProjectOf } from "../organizations/access.js";
import type { Principal } from "../principal.js";

/**
 * The fields of each channel's configuration that are credentials: encrypted at rest, never returned (shown as
 * "[REDACTED]"), never logged. Slack and Teams webhook URLs embed their tokens, so they are secrets too; a custom
 * webhook's URL is the customer's own endpoint (its signing secret protects it).
 */
export const SECRET_FIELDS: Record<string, string[]> = {
  custom_webhook: ["signingSecret"],
  sendgrid: ["apiKey"],
  mailchimp: ["apiKey"],
  amazon_ses: ["secretAccessKey"],
  twilio: ["authToken"],
  messagebird: ["apiKey"],
  slack: ["webhookUrl"],
  teams: ["webhookUrl"],
};
/** Fields holding a URL we will call: checked against private networks on save and again on every call. */
export const URL_FIELDS: Record<string, string[]> = {
  custom_webhook: ["url"],
  slack: ["webhookUrl"],
  teams: ["webhookUrl"],
};
export const REDACTED = "[REDACTED]";

export const newSigningSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

/** Splits a full configuration into its visible part and its sealed secrets. */
function seal(app: AppContext, channel: string, config: Record<string, string>) {
  const secretNames = SECRET_FIELDS[channel] ?? [];
  const visible: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config))
    (secretNames.includes(key) ? secrets : visible)[key] = value;
  return { config: visible, secrets: app.secrets.seal(JSON.stringify(secrets)) };
}

/** The whole configuration, credentials included: for calling the provider, never for a response. */
export function openConfig(secrets: SecretBox, row: IntegrationRow): Record<string, string> {
  return { ...row.config, ...(JSON.parse(secrets.open(row.secrets)) as Record<string, string>) };
}

/** The configuration as the API shows it: every credential replaced by "[REDACTED]". */
export function maskedConfig(row: IntegrationRow): Record<string, string> {
  const masked = { ...row.config };
  for (const name of SECRET_FIELDS[row.channel] ?? []) masked[name] = REDACTED;
  return masked;
}

export async function requireIntegration(
  app: AppContext,
  principal: Principal,
  id: string,
): Promise<IntegrationRow> {
  const row = await table.findIntegration(app.db.knex, id);
  if (!row) throw notFound("Integration", id);
  await requireProjectOf(app.db.knex, principal, row.project_id, "Integration", id);
  return row;
}

/** Checks a URL we will call and returns the addresses it was checked against (see channels/ssrf.ts). */
export type UrlGuard = (url: string) => Promise<{ url: URL; addresses: string[] }>;

/**
 * Checks the configuration's URLs against private networks (refused: 400 `integration_url_blocked`) and
 * returns what was checked, so the call that follows can be pinned to those addresses.
 */
async function checkUrls(channel: string, config: Record<string, string>, guard: UrlGuard) {
  const checked: { url: URL; addresses: string[] }[] = [];
  for (const field of URL_FIELDS[channel] ?? []) {
    const url = config[field];
    if (url === undefined) continue;
    try {
      checked.push(await guard(url));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DomainError(
        "invalid",
        "validation_failed",
        "integration_url_blocked",
        { field, reason },
        {
          details: [
            {
              location: "body",
              field: `config.${field}`,
              rule: "public_url",
              messageKey: "integration_url_blocked",
              params: { field, reason },
            },
          ],
          errorCount: 1,
        },
      );
    }
  }
  return checked;
}

/**
 * How to call the integration's provider right now: its URLs checked again (a name can be rebound after it was
 * saved), and the connection pinned to the addresses just checked, so it cannot be rebound in between either.
 * Close the dispatcher when the calls are done.
 */
export async function pinnedSendOptions(
  channel: string,
  config: Record<string, string>,
  guard: UrlGuard,
): Promise<{ dispatcher?: Agent }> {
  const checked = await checkUrls(channel, config, guard);
  return checked.length === 0 ? {} : { dispatcher: pinnedDispatcher(checked) };
}

export async function createIntegration(
  app: AppContext,
  projectId: string,
  input: { channel: string; name: string; config: Record<string, string> },
  guard: UrlGuard,
): Promise<{ row: IntegrationRow; signingSecret?: string }> {
  await checkUrls(input.channel, input.config, guard);
  const signingSecret = input.channel === "custom_webhook" ? newSigningSecret() : undefined;
  const full = signingSecret ? { ...input.config, signingSecret } : input.config;
  const row = await table.insertIntegration(app.db.knex, {
    project_id: projectId,
    channel: input.channel,
    name: input.name,
    ...seal(app, input.channel, full),
  });
  return { row, signingSecret };
}

/**
 * The config keys an update really changes: a credential sent back as "[REDACTED]" (what a read showed) is the
 * stored value, unchanged, so a client may send back the whole config it read.
 */
function changedConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).filter(([key, value]) => !(value === REDACTED && SECRET_NAMES.has(key))),
  );
}
const SECRET_NAMES = new Set(Object.values(SECRET_FIELDS).flat());

/**
 * A partial update: fields sent replace the stored ones; a credential left out, or sent back as "[REDACTED]",
 * keeps its stored value.
 */
export async function updateIntegration(
  app: AppContext,
  row: IntegrationRow,
  changes: { name?: string; config?: Record<string, string> },
  guard: UrlGuard,
): Promise<IntegrationRow> {
  let sealed: { config: Record<string, string>; secrets: string } | undefined;
  if (changes.config) {
    const config = changedConfig(changes.config);
    await checkUrls(row.channel, config, guard);
    sealed = seal(app, row.channel, { ...openConfig(app.secrets, row), ...config });
  }
  return table.updateIntegration(app.db.knex, row.id, { name: changes.name, ...sealed });
}

export async function rotateSigningSecret(app: AppContext, row: IntegrationRow): Promise<string> {
  if (row.channel !== "custom_webhook") {
    throw new DomainError("invalid", "validation_failed", "integration_not_webhook", {
      channel: row.channel,
    });
  }
  const signingSecret = newSigningSecret();
  await table.updateIntegration(
    app.db.knex,
    row.id,
    seal(app, row.channel, { ...openConfig(app.secrets, row), signingSecret }),
  );
  return signingSecret;
}
