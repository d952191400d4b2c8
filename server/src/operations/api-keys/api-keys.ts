import * as apiKeysTable from "../../db/api-keys.js";
import { createApiKey as create, requireApiKey } from "../../domain/api-keys/api-keys.js";
import { requireProject } from "../../domain/organizations/access.js";
import { defineOperation } from "../../http/operation.js";
import { userOf } from "../organizations/organizations.js";
import { presentApiKey } from "../present.js";

export const createApiKey = defineOperation("createApiKey", async ({ app, principal, params, body }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const { row, key } = await create(app.db.knex, {
    projectId: project.id,
    ...body,
    createdBy: userOf(principal),
  });
  return { status: 201, body: { ...presentApiKey(row), key } };
});

export const listApiKeys = defineOperation("listApiKeys", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const rows = await apiKeysTable.listApiKeys(app.db.knex, project.id);
  return { status: 200, body: { apiKeys: rows.map(presentApiKey) } };
});

export const updateApiKey = defineOperation("updateApiKey", async ({ app, principal, params, body }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const key = await requireApiKey(app.db.knex, project.id, params.keyId);
  return { status: 200, body: presentApiKey(await apiKeysTable.updateApiKey(app.db.knex, key.id, body)) };
});

export const deleteApiKey = defineOperation("deleteApiKey", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const key = await requireApiKey(app.db.knex, project.id, params.keyId);
  await apiKeysTable.deleteApiKey(app.db.knex, key.id);
  return { status: 204, body: undefined };
});
