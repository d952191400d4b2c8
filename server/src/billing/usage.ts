import type { Knex } from "knex";
import { countActiveAutomations } from "../db/automations.js";
import { countOrganizationCustomers } from "../db/customers.js";
import { organizationFileUsage } from "../db/files.js";
import { countModelRuns } from "../db/model-runs.js";
import { countMembers } from "../db/organizations.js";
import type { Metric, PlanId } from "./plans.js";
import { currentPeriod, planOf } from "./quotas.js";

const GB = 1024 ** 3;

export interface Usage {
  plan: PlanId;
  period: { start: Date; end: Date };
  data: Record<Metric, { used: number; limit: number | null }>;
}

/**
 * The organization's use of each quota, measured as the docs define it: rows = rowCount of completed files,
 * storageGb = bytes of all files / 1024³, automations = active ones, teamSeats = members, profiles = customers
 * over all projects, modelRuns = segmentation runs of the current period. genaiOps is reserved: no operation
 * consumes it yet, so it is always 0.
 */
export async function usageOf(db: Knex, organizationId: string): Promise<Usage> {
  const { plan, limits } = await planOf(db, organizationId);
  const period = await currentPeriod(db, organizationId);
  const [files, profiles, automations, teamSeats, modelRuns] = await Promise.all([
    organizationFileUsage(db, organizationId),
    countOrganizationCustomers(db, organizationId),
    countActiveAutomations(db, organizationId),
    countMembers(db, organizationId),
    countModelRuns(db, organizationId, period.start),
  ]);
  const used: Record<Metric, number> = {
    rows: files.rows,
    profiles,
    automations,
    modelRuns,
    genaiOps: 0,
    storageGb: files.bytes / GB,
    teamSeats,
  };
  const data = Object.fromEntries(
    (Object.keys(used) as Metric[]).map((metric) => [metric, { used: used[metric], limit: limits[metric] }]),
  ) as Usage["data"];
  return { plan, period, data };
}
