import * as projectsTable from "../../db/projects.js";
import { requireOrganization, requireProject } from "../../domain/organizations/access.js";
import * as projects from "../../domain/projects/projects.js";
import { defineOperation } from "../../http/operation.js";
import { presentProject } from "../present.js";

export const listProjects = defineOperation("listProjects", async ({ app, principal, params }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  const rows = await projectsTable.listProjects(app.db.knex, organization.id);
  return { status: 200, body: { projects: rows.map(presentProject) } };
});

export const createProject = defineOperation("createProject", async ({ app, principal, params, body }) => {
  const organization = await requireOrganization(app.db.knex, principal, params.orgId);
  return { status: 201, body: presentProject(await projects.createProject(app.db.knex, organization, body)) };
});

export const getProject = defineOperation("getProject", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  return { status: 200, body: presentProject(project) };
});

export const updateProject = defineOperation("updateProject", async ({ app, principal, params, body }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  return { status: 200, body: presentProject(await projects.updateProject(app.db.knex, project, body)) };
});

export const deleteProject = defineOperation("deleteProject", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const organization = await requireOrganization(app.db.knex, principal, project.organization_id);
  const jobId = await projects.deleteProject({ db: app.db.knex, jobs: app.jobs }, organization, project);
  return { status: 202, body: { job_id: jobId, status: "queued" as const } };
});
