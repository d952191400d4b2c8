import type { Knex } from "knex";
import type { OrganizationRow } from "../../db/organizations.js";
import type { ProjectRow, ProjectSettings } from "../../db/projects.js";
import * as projects from "../../db/projects.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import { DomainError, notFound, type PendingDetail } from "../errors.js";
import { requireManager } from "../organizations/access.js";

export const DEFAULT_SETTINGS: ProjectSettings = {
  referenceDate: null,
  kMin: 2,
  kMax: 10,
  churnHorizonDays: 90,
  churnThresholds: { medium: 0.4, high: 0.7 },
  clvHorizonMonths: 12,
  currency: "USD",
};

type SettingsPatch = Partial<Omit<ProjectSettings, "churnThresholds">> & {
  churnThresholds?: Partial<ProjectSettings["churnThresholds"]>;
};

/** Settings are merged key by key (thresholds too), so a PATCH never resets what it did not send. */
export function mergeSettings(base: ProjectSettings, patch: SettingsPatch | undefined): ProjectSettings {
  const merged = {
    ...base,
    ...patch,
    churnThresholds: { ...base.churnThresholds, ...patch?.churnThresholds },
  } as ProjectSettings;
  const details: PendingDetail[] = [];
  if (merged.kMax < merged.kMin) {
    details.push({
      location: "body",
      field: "settings.kMax",
      rule: "minimum",
      messageKey: "rule.minimum",
      params: { field: "settings.kMax", limit: `kMin (${merged.kMin})` },
    });
  }
  if (merged.churnThresholds.medium >= merged.churnThresholds.high) {
    details.push({
      location: "body",
      field: "settings.churnThresholds.medium",
      rule: "exclusiveMaximum",
      messageKey: "rule.exclusiveMaximum",
      params: { field: "settings.churnThresholds.medium", limit: `high (${merged.churnThresholds.high})` },
    });
  }
  if (details.length > 0) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "validation_failed",
      { summary: details[0]!.field },
      {
        details,
        errorCount: details.length,
      },
    );
  }
  return merged;
}

export function createProject(
  db: Knex,
  organization: OrganizationRow,
  input: { name: string; description?: string | null; settings?: SettingsPatch },
): Promise<ProjectRow> {
  return projects.insertProject(db, {
    organizationId: organization.id,
    name: input.name,
    description: input.description ?? null,
    settings: mergeSettings(DEFAULT_SETTINGS, input.settings),
  });
}

export function updateProject(
  db: Knex,
  project: ProjectRow,
  changes: { name?: string; description?: string | null; settings?: SettingsPatch },
): Promise<ProjectRow> {
  return projects.updateProject(db, project.id, {
    name: changes.name,
    description: changes.description,
    settings: changes.settings ? mergeSettings(project.settings, changes.settings) : undefined,
  });
}

/**
 * Deletes a project: it is gone for every reader at once (marked `deleting`), and a job deletes its data, so
 * the request does not wait on millions of rows. Returns the job's id.
 */
export async function deleteProject(
  deps: { db: Knex; jobs: JobScheduler },
  organization: OrganizationRow,
  project: ProjectRow,
): Promise<string> {
  requireManager(organization, "Deleting a project");
  return deps.db.transaction(async (trx) => {
    if (!(await projects.markProjectDeleting(trx, project.id))) throw notFound("Project", project.id);
    return deps.jobs.record(trx, { type: "project_delete", payload: { projectId: project.id } });
  });
}
