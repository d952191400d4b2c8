import type { Knex } from "knex";
import { claimScheduledMinute, listScheduledAutomations } from "../../db/automations.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import { cronMatches, parseCron } from "./cron.js";
import { queueAutomationRun } from "./queue-run.js";

/**
 * Starts the scheduled automations whose cron matches the current minute. Any number of worker processes may
 * tick at once: claiming the minute is one conditional UPDATE, so exactly one of them starts each run.
 */
export async function runDueSchedules(
  deps: { db: Knex; jobs: JobScheduler },
  now = new Date(),
): Promise<number> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  let started = 0;
  for (const automation of await listScheduledAutomations(deps.db)) {
    if (!automation.trigger.cron || !cronMatches(parseCron(automation.trigger.cron), minute)) continue;
    if (!(await claimScheduledMinute(deps.db, automation.id, minute))) continue;
    await queueAutomationRun(deps, automation);
    started += 1;
  }
  return started;
}
