import type { Knex } from "knex";
import { findOrganizationOfUser, type OrganizationRow, type Role } from "../../db/organizations.js";
import { findProject, type ProjectRow } from "../../db/projects.js";
import { DomainError, notFound } from "../errors.js";
import type { Principal } from "../principal.js";

/**
 * Tenancy in one place. A resource of an organization the caller does not belong to is answered exactly like
 * one that does not exist (404), so ids of other tenants reveal nothing. An API key reaches only its own
 * project: any other project id is 403 `project_mismatch`, without looking it up.
 */
export async function requireOrganization(
  db: Knex,
  principal: Principal,
  orgId: string,
): Promise<OrganizationRow> {
  if (principal.kind !== "session") throw notFound("Organization", orgId);
  const organization = await findOrganizationOfUser(db, orgId, principal.userId);
  if (!organization) throw notFound("Organization", orgId);
  return organization;
}

/** 403 unless the caller's role in the organization is owner or admin. */
export function requireManager(organization: OrganizationRow, action: string): void {
  if (!isManager(organization.role)) {
    throw new DomainError("forbidden", "forbidden", "forbidden_role", { action, role: organization.role });
  }
}

export const isManager = (role: Role) => role === "owner" || role === "admin";

export interface ProjectAccess {
  project: ProjectRow;
  /** The caller's role in the project's organization; API keys act with member rights. */
  role: Role;
}

export async function requireProject(
  db: Knex,
  principal: Principal,
  projectId: string,
): Promise<ProjectAccess> {
  if (principal.kind === "apiKey") {
    if (principal.projectId !== projectId) throw projectMismatch();
    const project = await findProject(db, projectId);
    if (!project) throw notFound("Project", projectId);
    return { project, role: "member" };
  }
  if (principal.kind !== "session") throw notFound("Project", projectId);
  const project = await findProject(db, projectId);
  const organization =
    project && (await findOrganizationOfUser(db, project.organization_id, principal.userId));
  if (!project || !organization) throw notFound("Project", projectId);
  return { project, role: organization.role };
}

export const projectMismatch = () => new DomainError("forbidden", "project_mismatch", "project_mismatch");

/**
 * For a resource found by its own id (a job, a file, a segment…): the caller must reach its project, and if
 * not, the resource is "not found" under its own name, so the answer never names the other tenant's project.
 */
export async function requireProjectOf(
  db: Knex,
  principal: Principal,
  projectId: string,
  resource: string,
  id: string,
): Promise<ProjectAccess> {
  if (principal.kind === "apiKey" && principal.projectId !== projectId) throw notFound(resource, id);
  try {
    return await requireProject(db, principal, projectId);
  } catch (error) {
    if (error instanceof DomainError) throw notFound(resource, id);
    throw error;
  }
}
