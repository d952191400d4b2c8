import { testChannel } from "../../channels/index.js";
import { assertPublicUrl } from "../../channels/ssrf.js";
import type { AppContext } from "../../context.js";
import type { IntegrationRow } from "../../db/integrations.js";
import * as table from "../../db/integrations.js";
import { DomainError } from "../../domain/errors.js";
import * as integrations from "../../domain/integrations/integrations.js";
import { requireProject } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";

const present = (row: IntegrationRow) => ({
  id: row.id,
  projectId: row.project_id,
  channel: row.channel as "custom_webhook",
  name: row.name,
  config: integrations.maskedConfig(row),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Every URL we will call is checked against private networks, except the hosts allowed for development. */
const urlGuard = (app: AppContext) => (url: string) =>
  assertPublicUrl(url, { allowHosts: app.config.webhookAllowHosts, lookup: app.config.hostLookup });

export const listIntegrations = defineOperation("listIntegrations", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  return {
    status: 200,
    body: { integrations: (await table.listIntegrations(app.db.knex, project.id)).map(present) },
  };
});

export const createIntegration = defineOperation(
  "createIntegration",
  async ({ app, principal, params, body }) => {
    const { project } = await requireProject(app.db.knex, principal, params.projectId);
    const input = body as { channel: string; name: string; config: Record<string, string> };
    const { row, signingSecret } = await integrations.createIntegration(
      app,
      project.id,
      input,
      urlGuard(app),
    );
    return { status: 201, body: { ...present(row), ...(signingSecret ? { signingSecret } : {}) } };
  },
);

export const getIntegration = defineOperation("getIntegration", async ({ app, principal, params }) => ({
  status: 200,
  body: present(await integrations.requireIntegration(app, principal, params.integrationId)),
}));

export const updateIntegration = defineOperation(
  "updateIntegration",
  async ({ app, principal, params, body }) => {
    const row = await integrations.requireIntegration(app, principal, params.integrationId);
    const changes = body as { name?: string; config?: Record<string, string> };
    return {
      status: 200,
      body: present(await integrations.updateIntegration(app, row, changes, urlGuard(app))),
    };
  },
);

export const deleteIntegration = defineOperation("deleteIntegration", async ({ app, principal, params }) => {
  const row = await integrations.requireIntegration(app, principal, params.integrationId);
  await table.deleteIntegration(app.db.knex, row.id);
  return { status: 204, body: undefined };
});

export const rotateWebhookSecret = defineOperation(
  "rotateWebhookSecret",
  async ({ app, principal, params }) => {
    const row = await integrations.requireIntegration(app, principal, params.integrationId);
    return { status: 200, body: { signingSecret: await integrations.rotateSigningSecret(app, row) } };
  },
);

/** A real, harmless call to the provider with the stored credentials: 200 when it accepts them, 422 with its reason. */
export const testIntegration = defineOperation("testIntegration", async ({ app, principal, params }) => {
  const row = await integrations.requireIntegration(app, principal, params.integrationId);
  const config = integrations.openConfig(app.secrets, row);
  const { dispatcher } = await integrations.pinnedSendOptions(row.channel, config, urlGuard(app));
  const result = await testChannel(row.channel as never, config as never, {
    baseUrls: app.config.providerBaseUrls,
    dispatcher,
  }).finally(() => dispatcher?.close());
  if (!result.ok) {
    throw new DomainError(
      "unprocessable",
      "integration_test_failed",
      "integration_test_failed",
      { reason: result.reason ?? "no reason given" },
      {
        extra: { provider: { status: result.providerStatus, body: result.providerResponse } },
      },
    );
  }
  return {
    status: 200,
    body: {
      ok: true as const,
      providerStatus: result.providerStatus,
      message: `${row.channel} accepted the test call.`,
    },
  };
});
