import type { Knex } from "knex";
import { deliver } from "../../channels/index.js";
import { CHANNEL_LIMITS } from "../../channels/limits.js";
import { assertPublicUrl } from "../../channels/ssrf.js";
import type { ChannelName, SendOptions } from "../../channels/types.js";
import {
  type AutomationRow,
  type AutomationRunRow,
  countDeliveriesByStatus,
  failInterruptedDeliveries,
  findAutomation,
  findAutomationRun,
  insertDeliveries,
  markAutomationRunPrepared,
  queuedDeliveries,
  updateAutomation,
  updateDelivery,
} from "../../db/automations.js";
import { insertExposures } from "../../db/campaign-outcomes.js";
import { customersMeeting, findCustomers } from "../../db/customers.js";
import { findIntegration } from "../../db/integrations.js";
import { findSegment, type SegmentRow } from "../../db/segments.js";
import type { Metrics } from "../../metrics.js";
import type { RateGate } from "../../queue/rate-gate.js";
import type { SecretBox } from "../../security/secret-box.js";
import { presentCustomer } from "../customers/customer-view.js";
import { openConfig, pinnedSendOptions } from "../integrations/integrations.js";
import { PermanentStepError, type Progress, type StepOutcome } from "../pipeline/progress.js";
import { membershipCondition } from "../segments/membership.js";
import { drawHoldout } from "./holdout.js";
import { renderTemplate } from "./template.js";

const MAX_ATTEMPTS = 5;
const INTERRUPTED =
  "interrupted while sending (the worker stopped); not resent automatically so nobody gets it twice: redeliver to send again";

export interface RunAutomationDeps {
  db: Knex;
  secrets: SecretBox;
  rateGate: RateGate;
  webhookAllowHosts: string[];
  /** Resolves webhook host names (the system resolver when unset). */
  hostLookup?: (host: string) => Promise<string[]>;
  providerBaseUrls: SendOptions["baseUrls"];
  /** Counts each delivery attempt's outcome (the metrics). */
  metrics: Pick<Metrics, "deliveries">;
}

export interface AutomationRunResult {
  run_id: string;
  members: number;
  held_out: number;
  deliveries: Record<string, number>;
}

/**
 * One run of an automation: the segment's members are split by a seeded draw into a holdout (never contacted)
 * and the treated group; both are recorded as campaign exposures for the Engine's uplift model, and one
 * delivery per treated customer is created (unique per run, so a retried run sends nobody twice). Then the
 * deliveries are sent within the channel's concurrency and per-second limits (shared by all workers), retried
 * with exponential backoff on 429 / 5xx / network errors, and logged with the provider's answer; what keeps
 * failing ends as `dead`.
 */
export async function runAutomation(
  deps: RunAutomationDeps,
  input: { automationRunId: string; customerIds?: string[] },
  report: Progress,
): Promise<StepOutcome<AutomationRunResult>> {
  const { db } = deps;
  const run = await findAutomationRun(db, input.automationRunId);
  const automation = run && (await findAutomation(db, run.automation_id));
  const integration = automation && (await findIntegration(db, automation.integration_id));
  const segment = automation && (await findSegment(db, automation.segment_id));
  if (!run || !automation || !integration || !segment)
    throw new PermanentStepError("the automation, its segment or its integration no longer exists");

  if (!run.prepared_at) {
    await report(5, "Drawing the holdout group");
    await prepareRun(db, { run, automation, segment, onlyCustomers: input.customerIds });
  }
  // A delivery left "sending" by a stopped worker may or may not have reached the provider: never resend it blindly.
  await failInterruptedDeliveries(db, run.id, INTERRUPTED);

  const config = openConfig(deps.secrets, integration);
  const channel = integration.channel as ChannelName;
  for (let pass = 1; pass <= MAX_ATTEMPTS; pass++) {
    const pending = await queuedDeliveries(db, run.id);
    if (pending.length === 0) break;
    await report(10 + (pass - 1) * 15, `Sending ${pending.length} messages (pass ${pass})`);
    // Webhook URLs are checked again right before sending (a name can change what it resolves to after saving),
    // and this pass connects to exactly the addresses checked.
    const { dispatcher } = await pinnedSendOptions(channel, config, (url) =>
      assertPublicUrl(url, { allowHosts: deps.webhookAllowHosts, lookup: deps.hostLookup }),
    );
    let waitMs = 0;
    try {
      const customers = new Map(
        (
          await findCustomers(
            db,
            pending.map((p) => p.customer_id),
          )
        ).map((c) => [c.id, presentCustomer(c)]),
      );
      const { concurrency, perSecond } = CHANNEL_LIMITS[channel];
      for (let i = 0; i < pending.length; i += concurrency) {
        await Promise.all(
          pending.slice(i, i + concurrency).map(async (delivery) => {
            const customer = customers.get(delivery.customer_id);
            if (!customer) return;
            await deps.rateGate.pass(`integration:${integration.id}`, perSecond);
            const attempts = delivery.attempts + 1;
            await updateDelivery(db, delivery.id, { status: "sending", attempts });
            const extra = customer.extra_features as Record<string, unknown>;
            const result = await deliver(
              channel,
              config as never,
              {
                to: {
                  customerKey: customer.customer_id,
                  email: stringOr(extra.email),
                  phone: stringOr(extra.phone),
                },
                subject: automation.template.subject
                  ? renderTemplate(automation.template.subject, customer)
                  : undefined,
                text: renderTemplate(automation.template.body, customer),
                data: customer,
                idempotencyKey: delivery.id,
              },
              { baseUrls: deps.providerBaseUrls, dispatcher },
            );
            if (result.retryAfterMs) waitMs = Math.max(waitMs, result.retryAfterMs);
            const status = result.ok
              ? "delivered"
              : result.retryable && attempts < MAX_ATTEMPTS
                ? "queued"
                : "dead";
            deps.metrics.deliveries.inc({ channel, outcome: status === "queued" ? "retry" : status });
            await updateDelivery(db, delivery.id, {
              status,
              provider_status: result.providerStatus,
              provider_response: result.providerResponse,
              last_error: result.ok ? null : result.reason,
            });
          }),
        );
      }
    } finally {
      await dispatcher?.close();
    }
    if (pass < MAX_ATTEMPTS)
      await new Promise((resolve) => setTimeout(resolve, Math.min(8000, Math.max(waitMs, 250 * 2 ** pass))));
  }
  await updateAutomation(db, automation.id, { last_run_at: new Date() });
  const byStatus = await countDeliveriesByStatus(db, run.id);
  const fresh = (await findAutomationRun(db, run.id)) ?? run;
  const members = fresh.members ?? 0;
  const heldOut = fresh.held_out ?? 0;
  return {
    status: "completed",
    result: { run_id: run.id, members, held_out: heldOut, deliveries: byStatus },
    message: `Delivered ${byStatus.delivered ?? 0} of ${members - heldOut} messages (${heldOut} held out)`,
  };
}

const stringOr = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** The holdout draw, the exposures and the deliveries of a run, once, in one transaction. */
async function prepareRun(
  db: Knex,
  input: { run: AutomationRunRow; automation: AutomationRow; segment: SegmentRow; onlyCustomers?: string[] },
) {
  const { run, automation, segment } = input;
  await db.transaction(async (trx) => {
    const members = await customersMeeting(
      trx,
      automation.project_id,
      membershipCondition(segment),
      input.onlyCustomers,
    );
    const heldOut = drawHoldout(
      members.map((m) => m.id),
      Number(run.seed),
      run.holdout_pct,
    );
    const now = new Date();
    for (let i = 0; i < members.length; i += 5000) {
      const slice = members.slice(i, i + 5000);
      await insertExposures(
        trx,
        automation.project_id,
        automation.id,
        now,
        slice.map((m) => ({
          customerKey: m.customer_key,
          group: heldOut.has(m.id) ? "control" : "treatment",
        })),
      );
      await insertDeliveries(
        trx,
        automation.id,
        run.id,
        slice.filter((m) => !heldOut.has(m.id)).map((m) => m.id),
      );
    }
    await markAutomationRunPrepared(trx, run.id, { members: members.length, heldOut: heldOut.size, at: now });
  });
}
