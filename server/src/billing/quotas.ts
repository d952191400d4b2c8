import type { Knex } from "knex";
import { findBillingAccount } from "../db/billing-accounts.js";
import { organizationProfiles, unreservedNewCustomerKeys } from "../db/customers.js";
import { organizationFileUsage } from "../db/files.js";
import { countModelRuns } from "../db/model-runs.js";
import { findOrganizationPlan, lockOrganizationQuotas } from "../db/organizations.js";
import { DomainError } from "../domain/errors.js";
import type { MessageKey } from "../i18n/index.js";
import { type Limits, type Metric, PAST_DUE_GRACE_DAYS, type PlanId, planById } from "./plans.js";

const GB = 1024 ** 3;
const DAY_MS = 24 * 3600 * 1000;

export interface PlanInForce {
  plan: PlanId;
  limits: Limits;
}

/**
 * The plan whose limits apply now. The organization's plan follows its Stripe subscription, with two guards
 * that do not wait for a webhook: a subscription past_due for longer than the grace period, and one cancelled
 * at period end whose period is over, both fall back to free.
 */
export async function planOf(db: Knex, organizationId: string, now = new Date()): Promise<PlanInForce> {
  const [stored, account] = await Promise.all([
    findOrganizationPlan(db, organizationId),
    findBillingAccount(db, organizationId),
  ]);
  let plan = planById(stored ?? "free");
  if (plan.id !== "free" && account) {
    const graceOver =
      account.status === "past_due" &&
      account.past_due_since !== null &&
      now.getTime() - account.past_due_since.getTime() > PAST_DUE_GRACE_DAYS * DAY_MS;
    const lapsed =
      account.cancel_at_period_end &&
      account.current_period_end !== null &&
      account.current_period_end.getTime() <= now.getTime();
    if (graceOver || lapsed || account.status === "canceled") plan = planById("free");
  }
  return { plan: plan.id, limits: plan.limits };
}

export interface QuotaPeriod {
  start: Date;
  end: Date;
}

/**
 * The period the model-run and GenAI counters count: the paid subscription's current period, else the calendar
 * month (UTC). Counters reset when it ends.
 */
export async function currentPeriod(
  db: Knex,
  organizationId: string,
  now = new Date(),
): Promise<QuotaPeriod> {
  const account = await findBillingAccount(db, organizationId);
  const { plan } = await planOf(db, organizationId, now);
  if (plan !== "free" && account?.current_period_start && account.current_period_end) {
    if (account.current_period_end.getTime() > now.getTime())
      return { start: account.current_period_start, end: account.current_period_end };
  }
  return {
    start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/**
 * 429 `quota_exceeded` for one metric, with the figures a client needs in `quota` (the contract's
 * QuotaExceeded): which metric, how much is used, the limit, the plan and where to upgrade.
 */
export function quotaExceeded(
  organizationId: string,
  metric: Metric,
  figures: { plan: PlanId; used: number; limit: number },
  messageKey: MessageKey,
  params: Record<string, string | number> = {},
): DomainError {
  const { plan, used, limit } = figures;
  return new DomainError(
    "quota_exceeded",
    "quota_exceeded",
    messageKey,
    { plan, used, limit, ...params },
    {
      extra: {
        quota: { metric, used, limit, plan, upgradeUrl: `/api/organizations/${organizationId}/checkout` },
      },
    },
  );
}

/** Data about to be ingested into a project: its rows, bytes and the customer keys of its purchases. */
export interface IncomingData {
  projectId: string;
  rows: number;
  bytes: number;
  customerKeys: Iterable<string>;
}

/**
 * The rows, storage and customer-profile quotas, checked in the transaction that records a batch or upload, under
 * the organization's quota lock: rows are those of completed files, storage the bytes of all files, profiles the
 * customers over all projects (the docs' usage metering) plus those reserved by files still being ingested. A
 * batch that would pass a limit is refused whole: nothing of it is stored. Returns the new customer keys the
 * batch must reserve once its file is recorded (reserveProfiles, same transaction): batches accepted at once
 * cannot together pass the profile limit, since each is checked after the one before has recorded its
 * reservations, and a customer sent in several waiting batches is reserved once.
 */
export async function requireIngestQuota(
  trx: Knex.Transaction,
  organizationId: string,
  incoming: IncomingData,
): Promise<{ newCustomerKeys: string[] }> {
  await lockOrganizationQuotas(trx, organizationId);
  const { plan, limits } = await planOf(trx, organizationId);
  const usage = await organizationFileUsage(trx, organizationId);
  if (limits.rows !== null && usage.rows + incoming.rows > limits.rows) {
    throw quotaExceeded(
      organizationId,
      "rows",
      { plan, used: usage.rows, limit: limits.rows },
      "quota_rows",
      {
        incoming: incoming.rows,
      },
    );
  }
  if (limits.storageGb !== null && (usage.bytes + incoming.bytes) / GB > limits.storageGb) {
    throw quotaExceeded(
      organizationId,
      "storageGb",
      { plan, used: usage.bytes / GB, limit: limits.storageGb },
      "quota_storage",
      { used: (usage.bytes / GB).toFixed(3) },
    );
  }
  if (limits.profiles === null) return { newCustomerKeys: [] };
  const newCustomerKeys = await unreservedNewCustomerKeys(trx, incoming.projectId, [
    ...new Set(incoming.customerKeys),
  ]);
  const fresh = newCustomerKeys.length;
  const profiles = await organizationProfiles(trx, organizationId);
  const used = profiles.customers + profiles.reserved;
  if (fresh > 0 && used + fresh > limits.profiles) {
    throw quotaExceeded(
      organizationId,
      "profiles",
      { plan, used, limit: limits.profiles },
      "quota_profiles",
      {
        incoming: fresh,
      },
    );
  }
  return { newCustomerKeys };
}

/** The period's model runs, as a 429 `quota_exceeded` error when the plan's are used up, else undefined. */
export async function modelRunQuotaError(db: Knex, organizationId: string): Promise<DomainError | undefined> {
  const { plan, limits } = await planOf(db, organizationId);
  if (limits.modelRuns === null) return undefined;
  const period = await currentPeriod(db, organizationId);
  const used = await countModelRuns(db, organizationId, period.start);
  if (used < limits.modelRuns) return undefined;
  return quotaExceeded(
    organizationId,
    "modelRuns",
    { plan, used, limit: limits.modelRuns },
    "quota_model_runs",
    {
      since: period.start.toISOString(),
      resetsAt: period.end.toISOString(),
    },
  );
}
