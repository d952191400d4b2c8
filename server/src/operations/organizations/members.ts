import { fromNodeHeaders } from "better-auth/node";
import { listMembers as list, listInvitations as listInvites } from "../../db/organizations.js";
import { requireOrganization } from "../../domain/organizations/access.js";
import {
  acceptInvitation as accept,
  cancelInvitation as cancel,
  inviteMember,
} from "../../domain/organizations/invitations.js";
import { changeMemberRole, removeMember as remove } from "../../domain/organizations/members.js";
import { defineOperation } from "../../http/operation.js";
import { presentInvitation, presentMember } from "../present.js";
import { userOf } from "./organizations.js";

export const listMembers = defineOperation("listMembers", async ({ app, principal, params }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  return { status: 200, body: { members: (await list(app.db.knex, organization.id)).map(presentMember) } };
});

export const updateMember = defineOperation("updateMember", async ({ app, principal, params, body, req }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  const deps = { db: app.db.knex, auth: app.auth };
  const member = await changeMemberRole(
    deps,
    fromNodeHeaders(req.headers),
    organization,
    params.memberId,
    body.role,
  );
  return { status: 200, body: presentMember(member) };
});

export const removeMember = defineOperation("removeMember", async ({ app, principal, params, req }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  const deps = { db: app.db.knex, auth: app.auth };
  await remove(deps, fromNodeHeaders(req.headers), organization, userOf(principal), params.memberId);
  return { status: 204, body: undefined };
});

export const listInvitations = defineOperation("listInvitations", async ({ app, principal, params }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  const invitations = await listInvites(app.db.knex, organization.id);
  return { status: 200, body: { invitations: invitations.map(presentInvitation) } };
});

export const createInvitation = defineOperation(
  "createInvitation",
  async ({ app, principal, params, body, req }) => {
    const organization = await requireOrganization(app.db.knex, principal, params.orgId);
    const deps = { db: app.db.knex, auth: app.auth };
    const invitation = await inviteMember(deps, fromNodeHeaders(req.headers), organization, body);
    return { status: 201, body: presentInvitation(invitation) };
  },
);

export const cancelInvitation = defineOperation(
  "cancelInvitation",
  async ({ app, principal, params, req }) => {
    const organization = await requireOrganization(app.db.knex, principal, params.orgId);
    await cancel(
      { db: app.db.knex, auth: app.auth },
      fromNodeHeaders(req.headers),
      organization,
      params.invitationId,
    );
    return { status: 204, body: undefined };
  },
);

export const acceptInvitation = defineOperation(
  "acceptInvitation",
  async ({ app, principal, params, req }) => {
    const deps = { db: app.db.knex, auth: app.auth };
    const member = await accept(deps, fromNodeHeaders(req.headers), userOf(principal), params.invitationId);
    return { status: 200, body: presentMember(member) };
  },
);
