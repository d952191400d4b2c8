import { fromNodeHeaders } from "better-auth/node";
import { listOrganizationsOfUser } from "../../db/organizations.js";
import { requireManager, requireOrganization } from "../../domain/organizations/access.js";
import {
  createOrganization as create,
  updateOrganization as update,
} from "../../domain/organizations/organizations.js";
import type { Principal } from "../../domain/principal.js";
import { defineOperation } from "../../http/operation.js";
import { presentOrganization } from "../present.js";

/** Organization routes are session-only; the contract's security guarantees a session principal here. */
export const userOf = (principal: Principal) => {
  if (principal.kind !== "session") throw new Error("organization routes require a session");
  return principal.userId;
};

export const listOrganizations = defineOperation("listOrganizations", async ({ app, principal }) => ({
  status: 200,
  body: {
    organizations: (await listOrganizationsOfUser(app.db.knex, userOf(principal))).map(presentOrganization),
  },
}));

export const createOrganization = defineOperation("createOrganization", async ({ app, principal, body }) => ({
  status: 201,
  body: presentOrganization(await create({ db: app.db.knex, auth: app.auth }, userOf(principal), body)),
}));

export const getOrganization = defineOperation("getOrganization", async ({ app, principal, params }) => ({
  status: 200,
  body: presentOrganization(await requireOrganization(app.db.knex, principal, params.orgId)),
}));

export const updateOrganization = defineOperation(
  "updateOrganization",
  async ({ app, principal, params, body, req }) => {
    const organization = await requireOrganization(app.db.knex, principal, params.orgId);
    requireManager(organization, "Changing the organization");
    const updated = await update(
      { db: app.db.knex, auth: app.auth },
      fromNodeHeaders(req.headers),
      organization,
      userOf(principal),
      body,
    );
    return { status: 200, body: presentOrganization(updated) };
  },
);
