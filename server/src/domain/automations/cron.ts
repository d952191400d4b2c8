/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, UTC): a star, a star with a step
 * ("every n"), a number, a range, a range with a step, and comma lists; day-of-week 0-7 with 0 and 7 both Sunday. As in Vixie cron, when both day fields are
 * restricted a day matches if either does.
 */
const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

export interface CronSchedule {
  sets: Set<number>[];
  restricted: boolean[];
}

/** Parses an expression; throws an Error saying which field is wrong and why. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`a cron expression has 5 fields (minute hour day month weekday), got ${parts.length}`);
  const sets = parts.map((part, i) => {
    const { name, min, max } = FIELDS[i]!;
    const values = new Set<number>();
    for (const item of part.split(",")) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!match) throw new Error(`${name} "${item}" is not a number, range, list or step`);
      const from = match[1] === "*" ? min : Number(match[2]);
      const to = match[1] === "*" ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : from;
      const step = match[4] ? Number(match[4]) : 1;
      if (from < min || to > max || from > to || step < 1)
        throw new Error(`${name} "${item}" is outside ${min}-${max}`);
      for (let v = from; v <= to; v += step) values.add(i === 4 && v === 7 ? 0 : v);
    }
    return values;
  });
  return { sets, restricted: parts.map((p) => p !== "*") };
}

/** True when the schedule fires in the minute of `at` (UTC). */
export function cronMatches(schedule: CronSchedule, at: Date): boolean {
  const [minutes, hours, days, months, weekdays] = schedule.sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (!minutes.has(at.getUTCMinutes()) || !hours.has(at.getUTCHours()) || !months.has(at.getUTCMonth() + 1))
    return false;
  const dayOk = days.has(at.getUTCDate());
  const weekdayOk = weekdays.has(at.getUTCDay());
  const [, , dayRestricted, , weekdayRestricted] = schedule.restricted;
  if (dayRestricted && weekdayRestricted) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}
