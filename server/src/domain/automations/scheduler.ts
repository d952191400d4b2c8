import type { AppContext } from "../../context.js";
import type { AutomationRow } from "../../db/automations.js";
import { cronMatches, parseCron } from "./cron.js";
import { queueRun } from "./queue-run.js";

/**
 * Starts the scheduled automations whose cron matches the current minute. Any number of worker processes may
 * tick at once: claiming the minute is one conditional UPDATE, so exactly one of them starts each run.
 */
export async function runDueSchedules(app: AppContext, now = new Date()): Promise<number> {
  const db = app.db.knex;
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const scheduled: AutomationRow[] = await db("automations")
    .where({ status: "active" })
    .whereRaw("trigger->>'type' = 'schedule'");
  let started = 0;
  for (const automation of scheduled) {
    if (!automation.trigger.cron || !cronMatches(parseCron(automation.trigger.cron), minute)) continue;
    const claimed = await db("automations")
      .where({ id: automation.id })
      .andWhere((q) => q.whereNull("last_run_at").orWhere("last_run_at", "<", minute))
      .update({ last_run_at: minute })
      .returning("id");
    if (claimed.length === 0) continue;
    await queueRun(app, automation);
    started += 1;
  }
  return started;
}
