import type { Knex } from "knex";
import {
  type ErasedCounts,
  eraseCustomerRows,
  findCustomerToErase,
  insertAuditEvent,
  suppressCustomer,
} from "../../db/customer-erasure.js";
import { findProject } from "../../db/projects.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import { DomainError, notFound } from "../errors.js";
import { isManager, type ProjectAccess } from "../organizations/access.js";
import type { Progress, StepOutcome } from "../pipeline/progress.js";
import type { Principal } from "../principal.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who asked, as the audit trail names them (never the customer). */
const actorOf = (principal: Principal) =>
  principal.kind === "session"
    ? { actor_kind: "session", actor_id: principal.userId }
    : principal.kind === "apiKey"
      ? { actor_kind: "apiKey", actor_id: principal.keyId }
      : { actor_kind: "public", actor_id: "" };

/**
 * A privacy request: finds the customer by our id or the ingested customer id, records the erasure job and an
 * audit entry in one transaction, and answers the job's id. Sessions need the owner or admin role; a project's
 * API key may erase its own project's customers.
 */
export async function requestCustomerErasure(
  deps: { db: Knex; jobs: JobScheduler },
  principal: Principal,
  access: ProjectAccess,
  idOrKey: string,
  suppress: boolean,
): Promise<string> {
  const { project, role } = access;
  if (principal.kind === "session" && !isManager(role))
    throw new DomainError("forbidden", "forbidden", "forbidden_role", { action: "Erasing a customer", role });
  const customer = await findCustomerToErase(deps.db, project.id, idOrKey, UUID.test(idOrKey));
  if (!customer) throw notFound("Customer", idOrKey);
  return deps.db.transaction(async (trx) => {
    const jobId = await deps.jobs.record(trx, {
      type: "customer_erase",
      payload: { projectId: project.id, customerId: customer.id, suppress },
    });
    await insertAuditEvent(trx, {
      organization_id: project.organization_id,
      project_id: project.id,
      action: "customer_erasure_requested",
      ...actorOf(principal),
      job_id: jobId,
      details: { customer: customer.id, suppress },
    });
    return jobId;
  });
}

export interface CustomerEraseResult extends ErasedCounts {
  customer_id: string;
  erased: boolean;
  suppressed: boolean;
}

/** What an erasure of a customer that is already gone (or never existed) removed. */
const NOTHING_ERASED: ErasedCounts = {
  transactions: 0,
  exposures: 0,
  memberships: 0,
  segment_events: 0,
  embeddings: 0,
  deliveries: 0,
};

/** The erasure job: every row about the customer in one transaction, the suppression, and the audit entry. */
export async function eraseCustomer(
  db: Knex,
  input: { projectId: string; customerId: string; suppress: boolean; jobId: string },
  report: Progress,
): Promise<StepOutcome<CustomerEraseResult>> {
  await report(10, "Erasing the customer");
  const result = await db.transaction(async (trx) => {
    const erased = await eraseCustomerRows(trx, input.projectId, input.customerId);
    if (erased && input.suppress) await suppressCustomer(trx, input.projectId, erased.customer_key);
    const { customer_key: _key, ...counts } = erased ?? { customer_key: undefined, ...NOTHING_ERASED };
    const outcome: CustomerEraseResult = {
      customer_id: input.customerId,
      erased: erased !== undefined,
      ...counts,
      suppressed: erased !== undefined && input.suppress,
    };
    const project = await findProject(trx, input.projectId);
    await insertAuditEvent(trx, {
      organization_id: project?.organization_id ?? "",
      project_id: input.projectId,
      action: "customer_erased",
      actor_kind: "job",
      actor_id: input.jobId,
      job_id: input.jobId,
      details: { ...outcome },
    });
    return outcome;
  });
  return {
    status: "completed",
    result,
    message: result.erased
      ? `Erased the customer: ${result.transactions} transactions, ${result.exposures} exposures, ${result.deliveries} deliveries`
      : "The customer was already erased",
  };
}
