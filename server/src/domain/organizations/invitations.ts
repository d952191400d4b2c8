import type { Knex } from "knex";
import type { Auth } from "../../auth/better-auth.js";
import { planOf, quotaExceeded } from "../../billing/quotas.js";
import {
  countMembers,
  countPendingInvitations,
  findInvitation,
  findMemberByEmail,
  findMemberByUser,
  findPendingInvitation,
  findUser,
  type InvitationRow,
  type MemberRow,
  type OrganizationRow,
  type Role,
} from "../../db/organizations.js";
import { DomainError, notFound } from "../errors.js";
import { requireManager } from "./access.js";
import { viaBetterAuth } from "./better-auth-call.js";

type Deps = { db: Knex; auth: Auth };

/** Team seats are counted as members plus pending invitations, so invitations cannot overbook the plan. */
async function requireFreeSeat(db: Knex, organizationId: string, pendingToo: boolean): Promise<void> {
  const { plan, limits } = await planOf(db, organizationId);
  const limit = limits.teamSeats;
  if (limit === null) return;
  const used =
    (await countMembers(db, organizationId)) +
    (pendingToo ? await countPendingInvitations(db, organizationId) : 0);
  if (used >= limit)
    throw quotaExceeded(organizationId, "teamSeats", { plan, used, limit }, "seats_exhausted");
}

export async function inviteMember(
  deps: Deps,
  headers: Headers,
  organization: OrganizationRow,
  input: { email: string; role: Role },
): Promise<InvitationRow> {
  requireManager(organization, "Inviting a member");
  if (input.role === "owner" && organization.role !== "owner")
    throw new DomainError("forbidden", "forbidden", "owner_only");
  if (await findMemberByEmail(deps.db, organization.id, input.email)) {
    throw new DomainError("conflict", "conflict", "already_member", { email: input.email });
  }
  if (await findPendingInvitation(deps.db, organization.id, input.email)) {
    throw new DomainError("conflict", "conflict", "invitation_pending", { email: input.email });
  }
  await requireFreeSeat(deps.db, organization.id, true);
  const created = await viaBetterAuth(() =>
    deps.auth.api.createInvitation({
      headers,
      body: { email: input.email, role: input.role, organizationId: organization.id },
    }),
  );
  const invitation = await findInvitation(deps.db, created.id);
  if (!invitation) throw new Error(`invitation ${created.id} vanished after creation`);
  return invitation;
}

async function requireInvitationOf(db: Knex, organization: OrganizationRow, invitationId: string) {
  const invitation = await findInvitation(db, invitationId);
  if (!invitation || invitation.organizationId !== organization.id)
    throw notFound("Invitation", invitationId);
  return invitation;
}

export async function cancelInvitation(
  deps: Deps,
  headers: Headers,
  organization: OrganizationRow,
  invitationId: string,
): Promise<void> {
  const invitation = await requireInvitationOf(deps.db, organization, invitationId);
  requireManager(organization, "Cancelling an invitation");
  if (invitation.status !== "pending") {
    throw new DomainError("conflict", "conflict", "invitation_not_pending", { status: invitation.status });
  }
  await viaBetterAuth(() => deps.auth.api.cancelInvitation({ headers, body: { invitationId } }));
}

/** The invited user joins with the invitation's role. Only the address the invitation was sent to may accept. */
export async function acceptInvitation(
  deps: Deps,
  headers: Headers,
  userId: string,
  invitationId: string,
): Promise<MemberRow> {
  const [invitation, user] = await Promise.all([
    findInvitation(deps.db, invitationId),
    findUser(deps.db, userId),
  ]);
  if (!invitation) throw notFound("Invitation", invitationId);
  if (!user || user.email.toLowerCase() !== invitation.email.toLowerCase()) {
    throw new DomainError("forbidden", "forbidden", "invitation_wrong_user");
  }
  if (invitation.status !== "pending") {
    throw new DomainError("conflict", "conflict", "invitation_not_pending", { status: invitation.status });
  }
  if (invitation.expiresAt.getTime() <= Date.now()) {
    throw new DomainError("conflict", "conflict", "invitation_expired", {
      expiredAt: invitation.expiresAt.toISOString(),
    });
  }
  await requireFreeSeat(deps.db, invitation.organizationId, false);
  await viaBetterAuth(() => deps.auth.api.acceptInvitation({ headers, body: { invitationId } }));
  const member = await findMemberByUser(deps.db, invitation.organizationId, userId);
  if (!member) throw new Error(`membership from invitation ${invitationId} not found`);
  return member;
}
