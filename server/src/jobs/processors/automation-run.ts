import type { Knex } from "knex";
import { deliver } from "../../channels/index.js";
import { CHANNEL_LIMITS } from "../../channels/limits.js";
import { assertPublicUrl } from "../../channels/ssrf.js";
import type { ChannelName } from "../../channels/types.js";
import { findAutomation, findRun, updateAutomation } from "../../db/automations.js";
import { findCustomers } from "../../db/customers.js";
import { findIntegration } from "../../db/integrations.js";
import { findSegment } from "../../db/segments.js";
import { drawHoldout } from "../../domain/automations/holdout.js";
import { renderTemplate } from "../../domain/automations/template.js";
import { openConfig, URL_FIELDS } from "../../domain/integrations/integrations.js";
import { membershipCondition } from "../../domain/segments/membership.js";
import { presentCustomer } from "../../operations/engine/present.js";
import { PermanentJobError } from "../job-errors.js";
import type { Processor } from "./index.js";

const MAX_ATTEMPTS = 5;
const INTERRUPTED =
  "interrupted while sending (the worker stopped); not resent automatically so nobody gets it twice: redeliver to send again";

/**
 * One run of an automation: the segment's members are split by a seeded draw into a holdout (never
 * contacted) and the treated group; both are recorded as campaign exposures for the Engine's uplift model, and
 * one delivery per treated customer is created (unique per run, so a retried run sends nobody twice). Then the
 * deliveries are sent within the channel's concurrency and per-second limits (shared by all workers), retried with exponential backoff on 429 / 5xx / network errors,
 * and logged with the provider's answer; what keeps failing ends as `dead`.
 */
export const runAutomation: Processor = async (ctx, app, report) => {
  const db = app.db.knex;
  const run = await findRun(db, String(ctx.data.runId));
  const automation = run && (await findAutomation(db, run.automation_id));
  const integration = automation && (await findIntegration(db, automation.integration_id));
  const segment = automation && (await findSegment(db, automation.segment_id));
  if (!run || !automation || !integration || !segment)
    throw new PermanentJobError("the automation, its segment or its integration no longer exists");

  if (!run.prepared_at) {
    await report(5, "Drawing the holdout group");
    await prepareRun(db, {
      run,
      automation,
      segment: segment,
      onlyCustomers: ctx.data.customerIds as string[] | undefined,
    });
  }
  // A delivery left "sending" by a stopped worker may or may not have reached the provider: never resend it blindly.
  await db("deliveries")
    .where({ run_id: run.id, status: "sending" })
    .update({ status: "failed", last_error: INTERRUPTED, updated_at: db.fn.now() });

  const config = openConfig(app, integration);
  const channel = integration.channel as ChannelName;
  for (let pass = 1; pass <= MAX_ATTEMPTS; pass++) {
    const pending = await db("deliveries")
      .where({ run_id: run.id, status: "queued" })
      .orderBy("created_at")
      .select("id", "customer_id", "attempts");
    if (pending.length === 0) break;
    await report(10 + (pass - 1) * 15, `Sending ${pending.length} messages (pass ${pass})`);
    // Webhook URLs are checked again right before sending: a name can change what it resolves to after saving.
    for (const field of URL_FIELDS[channel] ?? [])
      if (config[field]) await assertPublicUrl(config[field], { allowHosts: app.config.webhookAllowHosts });
    const customers = new Map(
      (
        await findCustomers(
          db,
          pending.map((p) => p.customer_id),
        )
      ).map((c) => [c.id, presentCustomer(c)]),
    );
    let waitMs = 0;
    const { concurrency, perSecond } = CHANNEL_LIMITS[channel];
    for (let i = 0; i < pending.length; i += concurrency) {
      await Promise.all(
        pending.slice(i, i + concurrency).map(async (delivery) => {
          const customer = customers.get(delivery.customer_id);
          if (!customer) return;
          await app.rateGate.pass(`integration:${integration.id}`, perSecond);
          await db("deliveries")
            .where({ id: delivery.id })
            .update({ status: "sending", attempts: delivery.attempts + 1, updated_at: db.fn.now() });
          const extra = customer.extra_features as Record<string, unknown>;
          const result = await deliver(
            channel,
            config as never,
            {
              to: {
                customerId: customer.customer_id,
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
            { baseUrls: app.config.providerBaseUrls },
          );
          const attempts = delivery.attempts + 1;
          const status = result.ok
            ? "delivered"
            : result.retryable && attempts < MAX_ATTEMPTS
              ? "queued"
              : "dead";
          if (result.retryAfterMs) waitMs = Math.max(waitMs, result.retryAfterMs);
          await db("deliveries")
            .where({ id: delivery.id })
            .update({
              status,
              provider_status: result.providerStatus,
              provider_response: result.providerResponse,
              last_error: result.ok ? null : result.reason,
              updated_at: db.fn.now(),
            });
        }),
      );
    }
    if (pass < MAX_ATTEMPTS)
      await new Promise((resolve) => setTimeout(resolve, Math.min(8000, Math.max(waitMs, 250 * 2 ** pass))));
  }
  await updateAutomation(db, automation.id, { last_run_at: new Date() });
  const counts = await db("deliveries")
    .where({ run_id: run.id })
    .groupBy("status")
    .select("status", db.raw("count(*)::int AS n"));
  const byStatus = Object.fromEntries(counts.map((c: { status: string; n: number }) => [c.status, c.n]));
  const fresh = await findRun(db, run.id);
  return {
    result: {
      run_id: run.id,
      members: fresh?.members ?? 0,
      held_out: fresh?.held_out ?? 0,
      deliveries: byStatus,
    },
    message: `Delivered ${byStatus.delivered ?? 0} of ${(fresh?.members ?? 0) - (fresh?.held_out ?? 0)} messages (${fresh?.held_out ?? 0} held out)`,
  };
};

const stringOr = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** The holdout draw, the exposures and the deliveries of a run, once, in one transaction. */
async function prepareRun(
  db: Knex,
  input: {
    run: NonNullable<Awaited<ReturnType<typeof findRun>>>;
    automation: NonNullable<Awaited<ReturnType<typeof findAutomation>>>;
    segment: NonNullable<Awaited<ReturnType<typeof findSegment>>>;
    onlyCustomers?: string[];
  },
) {
  const { run, automation, segment } = input;
  await db.transaction(async (trx) => {
    const condition = membershipCondition(segment);
    const query = trx("customers")
      .where({ project_id: automation.project_id })
      .whereNotNull("rfm_recency_days")
      .whereRaw(condition.sql, condition.bindings as never[]);
    if (input.onlyCustomers) query.whereIn("id", input.onlyCustomers);
    const members: { id: string; customer_key: string }[] = await query
      .orderBy("id")
      .select("id", "customer_key");
    const heldOut = drawHoldout(
      members.map((m) => m.id),
      Number(run.seed),
      run.holdout_pct,
    );
    const now = new Date();
    for (let i = 0; i < members.length; i += 5000) {
      const slice = members.slice(i, i + 5000);
      await trx("campaign_exposures").insert(
        slice.map((m) => ({
          project_id: automation.project_id,
          customer_key: m.customer_key,
          campaign_id: automation.id,
          group: heldOut.has(m.id) ? "control" : "treatment",
          exposed_at: now,
        })),
      );
      const treated = slice.filter((m) => !heldOut.has(m.id));
      if (treated.length > 0) {
        await trx("deliveries")
          .insert(treated.map((m) => ({ automation_id: automation.id, run_id: run.id, customer_id: m.id })))
          .onConflict(["run_id", "customer_id"])
          .ignore();
      }
    }
    await trx("automation_runs")
      .where({ id: run.id })
      .update({ members: members.length, held_out: heldOut.size, prepared_at: now });
  });
}
