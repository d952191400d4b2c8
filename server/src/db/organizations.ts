import type { Knex } from "knex";

/**
 * Reads of better-auth's organization tables ("organization", "member", "invitation", "user"). better-auth
 * writes them (through its API, which keeps its own invariants); every read Segmento needs lives here.
 */
export type Role = "owner" | "admin" | "member";

export interface OrganizationRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  role: Role;
  createdAt: Date;
}

export interface MemberRow {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  createdAt: Date;
}

export interface InvitationRow {
  id: string;
  organizationId: string;
  email: string;
  role: Role;
  status: "pending" | "accepted" | "rejected" | "canceled";
  expiresAt: Date;
  createdAt: Date;
}

const organizationColumns = ["o.id", "o.name", "o.slug", "o.plan", "m.role", "o.createdAt"] as const;

export function listOrganizationsOfUser(db: Knex, userId: string): Promise<OrganizationRow[]> {
  return db("organization as o")
    .join("member as m", "m.organizationId", "o.id")
    .where("m.userId", userId)
    .orderBy("o.createdAt", "asc")
    .select(organizationColumns);
}

/** The organization as its member `userId` sees it, or undefined when they are not a member. */
export function findOrganizationOfUser(
  db: Knex,
  orgId: string,
  userId: string,
): Promise<OrganizationRow | undefined> {
  return db("organization as o")
    .join("member as m", "m.organizationId", "o.id")
    .where({ "o.id": orgId, "m.userId": userId })
    .first(organizationColumns);
}

export async function isSlugTaken(db: Knex, slug: string, exceptOrgId?: string): Promise<boolean> {
  const query = db("organization").where({ slug });
  if (exceptOrgId) query.whereNot({ id: exceptOrgId });
  return (await query.first("id")) !== undefined;
}

const memberColumns = ["m.id", "m.userId", "u.name", "u.email", "m.role", "m.createdAt"] as const;

export function listMembers(db: Knex, orgId: string): Promise<MemberRow[]> {
  return db("member as m")
    .join("user as u", "u.id", "m.userId")
    .where("m.organizationId", orgId)
    .orderBy("m.createdAt", "asc")
    .select(memberColumns);
}

export function findMember(db: Knex, orgId: string, memberId: string): Promise<MemberRow | undefined> {
  return db("member as m")
    .join("user as u", "u.id", "m.userId")
    .where({ "m.organizationId": orgId, "m.id": memberId })
    .first(memberColumns);
}

export function findMemberByUser(db: Knex, orgId: string, userId: string): Promise<MemberRow | undefined> {
  return db("member as m")
    .join("user as u", "u.id", "m.userId")
    .where({ "m.organizationId": orgId, "m.userId": userId })
    .first(memberColumns);
}

export async function countMembers(db: Knex, orgId: string, role?: Role): Promise<number> {
  const query = db("member").where({ organizationId: orgId });
  if (role) query.andWhere({ role });
  const row = (await query.count<{ count: number }[]>({ count: "*" }))[0];
  return Number(row?.count ?? 0);
}

const invitationColumns = [
  "id",
  "organizationId",
  "email",
  "role",
  "status",
  "expiresAt",
  "createdAt",
] as const;

export function listInvitations(db: Knex, orgId: string): Promise<InvitationRow[]> {
  return db("invitation")
    .where({ organizationId: orgId })
    .orderBy("createdAt", "desc")
    .select(invitationColumns);
}

export function findInvitation(db: Knex, invitationId: string): Promise<InvitationRow | undefined> {
  return db("invitation").where({ id: invitationId }).first(invitationColumns);
}

export async function countPendingInvitations(db: Knex, orgId: string): Promise<number> {
  const row = (
    await db("invitation")
      .where({ organizationId: orgId, status: "pending" })
      .andWhere("expiresAt", ">", db.fn.now())
      .count<{ count: number }[]>({ count: "*" })
  )[0];
  return Number(row?.count ?? 0);
}

export function findUser(
  db: Knex,
  userId: string,
): Promise<{ id: string; name: string; email: string } | undefined> {
  return db("user").where({ id: userId }).first("id", "name", "email");
}

export function findMemberByEmail(db: Knex, orgId: string, email: string): Promise<MemberRow | undefined> {
  return db("member as m")
    .join("user as u", "u.id", "m.userId")
    .where({ "m.organizationId": orgId })
    .andWhereRaw("lower(u.email) = lower(?)", [email])
    .first(memberColumns);
}

export function findPendingInvitation(
  db: Knex,
  orgId: string,
  email: string,
): Promise<InvitationRow | undefined> {
  return db("invitation")
    .where({ organizationId: orgId, status: "pending" })
    .andWhereRaw("lower(email) = lower(?)", [email])
    .andWhere("expiresAt", ">", db.fn.now())
    .first(invitationColumns);
}

export function findOrganizationPlan(db: Knex, orgId: string): Promise<string | undefined> {
  return db("organization")
    .where({ id: orgId })
    .first("plan")
    .then((row: { plan: string | null } | undefined) => (row ? (row.plan ?? "free") : undefined));
}

/**
 * Holds the organization's quota lock until the caller's transaction ends: whoever checks a limit and records
 * what counts against it under this lock sees everything recorded before (no two batches pass on one count).
 */
export async function lockOrganizationQuotas(trx: Knex.Transaction, orgId: string): Promise<void> {
  await trx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`quotas:${orgId}`]);
}
