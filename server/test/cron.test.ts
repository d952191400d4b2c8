import { describe, expect, it } from "vitest";
import { cronMatches, parseCron } from "../src/domain/automations/cron.js";

const at = (iso: string) => new Date(iso);

describe("cron schedules", () => {
  it("match minutes, hours, steps, ranges and lists in UTC", () => {
    const mondayNine = parseCron("0 9 * * 1");
    expect(cronMatches(mondayNine, at("2026-11-30T09:00:00Z"))).toBe(true); // a Monday
    expect(cronMatches(mondayNine, at("2026-11-30T09:01:00Z"))).toBe(false);
    expect(cronMatches(mondayNine, at("2026-12-01T09:00:00Z"))).toBe(false);
    const everyQuarter = parseCron("*/15 8-17 * * 1-5");
    expect(cronMatches(everyQuarter, at("2026-12-01T08:45:00Z"))).toBe(true);
    expect(cronMatches(everyQuarter, at("2026-12-01T18:00:00Z"))).toBe(false);
    expect(cronMatches(everyQuarter, at("2026-12-05T09:00:00Z"))).toBe(false); // Saturday
    expect(cronMatches(parseCron("0 0 1,15 * *"), at("2026-12-15T00:00:00Z"))).toBe(true);
    expect(cronMatches(parseCron("0 0 * * 7"), at("2026-11-29T00:00:00Z"))).toBe(true); // 7 = Sunday
  });

  it("treat restricted day-of-month and day-of-week as either, like Vixie cron", () => {
    const schedule = parseCron("0 12 1 * 5");
    expect(cronMatches(schedule, at("2026-12-01T12:00:00Z"))).toBe(true); // the 1st, a Tuesday
    expect(cronMatches(schedule, at("2026-12-04T12:00:00Z"))).toBe(true); // a Friday
    expect(cronMatches(schedule, at("2026-12-02T12:00:00Z"))).toBe(false);
  });

  it("say which field is wrong", () => {
    expect(() => parseCron("0 9 * *")).toThrow(/5 fields/);
    expect(() => parseCron("60 9 * * *")).toThrow(/minute "60" is outside 0-59/);
    expect(() => parseCron("0 9 * * mon")).toThrow(/day of week "mon"/);
    expect(() => parseCron("0 9 31-1 * *")).toThrow(/day of month/);
  });
});
