import type { Knex } from "knex";
import { PLANS } from "../../billing/plans.js";
import { organizationFileUsage } from "../../db/files.js";
import { findOrganizationPlan } from "../../db/organizations.js";
import { ApiError } from "../../http/errors.js";

const GB = 1024 ** 3;

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
  const plan = (await findOrganizationPlan(db, organizationId)) ?? "free";
  const limits = PLANS.find((p) => p.id === plan)?.limits;
  if (!limits) return;
  const usage = await organizationFileUsage(db, organizationId);
  if (limits.rows !== null && usage.rows + incoming.rows > limits.rows) {
    throw new ApiError(429, "quota_exceeded", "quota_rows", {
      plan,
      limit: limits.rows,
      used: usage.rows,
      incoming: incoming.rows,
    });
  }
  if (limits.storageGb !== null && (usage.bytes + incoming.bytes) / GB > limits.storageGb) {
    throw new ApiError(429, "quota_exceeded", "quota_storage", {
      plan,
      limit: limits.storageGb,
      used: Math.round((usage.bytes / GB) * 1000) / 1000,
    });
  }
}
