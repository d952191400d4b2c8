import type { Knex } from "knex";
import { organizationFileUsage } from "../db/files.js";
import { countModelRuns } from "../db/model-runs.js";
import { findOrganizationPlan } from "../db/organizations.js";
import { DomainError } from "../domain/errors.js";
import { PLANS } from "./plans.js";

const GB = 1024 ** 3;

/** The organization's plan and its limits (null = unlimited). */
export async function planOf(db: Knex, organizationId: string) {
  const plan = (await findOrganizationPlan(db, organizationId)) ?? "free";
  const limits = PLANS.find((p) => p.id === plan)?.limits ?? PLANS[0].limits;
  return { plan, limits };
}

/** Start of the current quota period: model runs are counted per calendar month (UTC). */
export const periodStart = (now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

/**
 * The rows and storage quotas of the organization's plan, checked before a batch is accepted: rows are those
 * of completed files, storage the bytes of all files (the docs' usage metering). Over either: 429
 * `quota_exceeded`, which clients must not retry.
 */
export async function requireIngestQuota(
  db: Knex,
  organizationId: string,
  incoming: { rows: number; bytes: number },
): Promise<void> {
  const { plan, limits } = await planOf(db, organizationId);
  const usage = await organizationFileUsage(db, organizationId);
  if (limits.rows !== null && usage.rows + incoming.rows > limits.rows) {
    throw new DomainError("quota_exceeded", "quota_exceeded", "quota_rows", {
      plan,
      limit: limits.rows,
      used: usage.rows,
      incoming: incoming.rows,
    });
  }
  if (limits.storageGb !== null && (usage.bytes + incoming.bytes) / GB > limits.storageGb) {
    throw new DomainError("quota_exceeded", "quota_exceeded", "quota_storage", {
      plan,
      limit: limits.storageGb,
      used: Math.round((usage.bytes / GB) * 1000) / 1000,
    });
  }
}

/** Model runs of the month, as a 429 `quota_exceeded` error when the plan's are used up, else undefined. */
export async function modelRunQuotaError(db: Knex, organizationId: string): Promise<DomainError | undefined> {
  const { plan, limits } = await planOf(db, organizationId);
  if (limits.modelRuns === null) return undefined;
  const used = await countModelRuns(db, organizationId, periodStart());
  if (used < limits.modelRuns) return undefined;
  return new DomainError("quota_exceeded", "quota_exceeded", "quota_model_runs", {
    plan,
    limit: limits.modelRuns,
    used,
  });
}
