import type { ApiKeyRow } from "../db/api-keys.js";
import type { InvitationRow, MemberRow, OrganizationRow } from "../db/organizations.js";
import type { ProjectRow } from "../db/projects.js";

/** Rows to the contract's shapes: camelCase, ISO timestamps, nothing internal (hashes, creator ids). */
const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export const presentOrganization = (o: OrganizationRow) => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  plan: (o.plan ?? "free") as "free" | "starter" | "pro" | "enterprise",
  role: o.role,
  createdAt: iso(o.createdAt),
});

export const presentMember = (m: MemberRow) => ({
  id: m.id,
  userId: m.userId,
  name: m.name,
  email: m.email,
  role: m.role,
  createdAt: iso(m.createdAt),
});

export const presentInvitation = (i: InvitationRow) => ({
  id: i.id,
  organizationId: i.organizationId,
  email: i.email,
  role: i.role,
  status: i.status,
  expiresAt: iso(i.expiresAt),
  createdAt: iso(i.createdAt),
});

export const presentProject = (p: ProjectRow) => ({
  id: p.id,
  organizationId: p.organization_id,
  name: p.name,
  description: p.description,
  settings: p.settings,
  createdAt: iso(p.created_at),
  updatedAt: iso(p.updated_at),
});

export const presentApiKey = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  keyPrefix: k.key_prefix,
  enabled: k.enabled,
  expiresAt: isoOrNull(k.expires_at),
  lastUsedAt: isoOrNull(k.last_used_at),
  createdAt: iso(k.created_at),
});
