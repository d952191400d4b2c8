import type { Knex } from "knex";
import type { Auth } from "../../auth/better-auth.js";
import {
  countMembers,
  findMember,
  type MemberRow,
  type OrganizationRow,
  type Role,
} from "../../db/organizations.js";
import { DomainError, notFound } from "../errors.js";
import { requireManager } from "./access.js";
import { viaBetterAuth } from "./better-auth-call.js";

type Deps = { db: Knex; auth: Auth };

async function requireMember(db: Knex, organization: OrganizationRow, memberId: string): Promise<MemberRow> {
  const member = await findMember(db, organization.id, memberId);
  if (!member) throw notFound("Member", memberId);
  return member;
}

/** The last owner can be neither demoted nor removed: an organization always has someone who can pay and manage. */
async function refuseLastOwner(db: Knex, organization: OrganizationRow, member: MemberRow): Promise<void> {
  if (member.role === "owner" && (await countMembers(db, organization.id, "owner")) <= 1) {
    throw new DomainError("conflict", "last_owner", "last_owner", { name: member.name });
  }
}

export async function changeMemberRole(
  deps: Deps,
  headers: Headers,
  organization: OrganizationRow,
  memberId: string,
  role: Role,
): Promise<MemberRow> {
  requireManager(organization, "Changing a member's role");
  const member = await requireMember(deps.db, organization, memberId);
  if ((role === "owner" || member.role === "owner") && organization.role !== "owner") {
    throw new DomainError("forbidden", "forbidden", "owner_only");
  }
  if (member.role === role) return member;
  if (role !== "owner") await refuseLastOwner(deps.db, organization, member);
  await viaBetterAuth(() =>
    deps.auth.api.updateMemberRole({ headers, body: { memberId, role, organizationId: organization.id } }),
  );
  return requireMember(deps.db, organization, memberId);
}

/** Owners and admins remove others; anyone may remove themself (leave). */
export async function removeMember(
  deps: Deps,
  headers: Headers,
  organization: OrganizationRow,
  callerUserId: string,
  memberId: string,
): Promise<void> {
  const member = await requireMember(deps.db, organization, memberId);
  const leaving = member.userId === callerUserId;
  if (!leaving) {
    requireManager(organization, "Removing a member");
    if (member.role === "owner" && organization.role !== "owner")
      throw new DomainError("forbidden", "forbidden", "owner_only");
  }
  await refuseLastOwner(deps.db, organization, member);
  if (leaving) {
    await viaBetterAuth(() =>
      deps.auth.api.leaveOrganization({ headers, body: { organizationId: organization.id } }),
    );
  } else {
    await viaBetterAuth(() =>
      deps.auth.api.removeMember({
        headers,
        body: { memberIdOrEmail: memberId, organizationId: organization.id },
      }),
    );
  }
}
