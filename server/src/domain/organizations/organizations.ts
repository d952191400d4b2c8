import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import type { Auth } from "../../auth/better-auth.js";
import { findOrganizationOfUser, isSlugTaken, type OrganizationRow } from "../../db/organizations.js";
import { DomainError } from "../errors.js";
import { viaBetterAuth } from "./better-auth-call.js";

/** A URL-safe slug from a name: "Acme Shop GmbH" -> "acme-shop-gmbh". */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return base.length >= 2 ? base : `org-${base}`.replace(/-$/, "");
}

/** Creates an organization on the free plan with the caller as its owner. */
export async function createOrganization(
  deps: { db: Knex; auth: Auth },
  userId: string,
  input: { name: string; slug?: string },
): Promise<OrganizationRow> {
  let slug = input.slug;
  if (slug) {
    if (await isSlugTaken(deps.db, slug))
      throw new DomainError("conflict", "conflict", "slug_taken", { slug });
  } else {
    slug = slugify(input.name);
    while (await isSlugTaken(deps.db, slug))
      slug = `${slugify(input.name)}-${randomBytes(3).toString("hex")}`;
  }
  const created = await viaBetterAuth(() =>
    deps.auth.api.createOrganization({
      body: { name: input.name, slug, userId, keepCurrentActiveOrganization: true },
    }),
  );
  const organization = await findOrganizationOfUser(deps.db, created.id, userId);
  if (!organization) throw new Error(`organization ${created.id} vanished after creation`);
  return organization;
}

export async function updateOrganization(
  deps: { db: Knex; auth: Auth },
  headers: Headers,
  organization: OrganizationRow,
  userId: string,
  changes: { name?: string; slug?: string },
): Promise<OrganizationRow> {
  if (changes.slug && (await isSlugTaken(deps.db, changes.slug, organization.id))) {
    throw new DomainError("conflict", "conflict", "slug_taken", { slug: changes.slug });
  }
  await viaBetterAuth(() =>
    deps.auth.api.updateOrganization({ headers, body: { organizationId: organization.id, data: changes } }),
  );
  return (await findOrganizationOfUser(deps.db, organization.id, userId)) ?? organization;
}
