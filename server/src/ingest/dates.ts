/** How to read `a/b/YYYY` dates: month first (US), day first, or a file whose dates all start with the year. */
export type DateOrder = "MDY" | "DMY" | "YMD";

export type DateResult =
  | { ok: true; date: Date }
  | { ok: false; reason: "format" }
  | { ok: false; reason: "impossible" }
  | { ok: false; reason: "year_range"; year: number };

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** How many date values of a file detectDateOrder needs to see. */
export const DATE_ORDER_SAMPLE_SIZE = 1000;

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?`;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]${TIME})?$`);
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SLASHED = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+${TIME}\s*([AP]M)?)?$`, "i");
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+${TIME})?$`);
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
const DAY_FIRST_SAMPLE = /^(\d{1,2})([/.])(\d{1,2})\2\d{4}(?:\s|$)/;

const MS_PER_DAY = 86_400_000;
/** Excel's serial day 25569 is 1970-01-01 (1900 date system). */
const EXCEL_UNIX_EPOCH = 25_569;

/**
 * Reads a date or date-time; a value without a zone is UTC. Accepted forms:
 *
 * - ISO 8601: `2026-05-01`, `2026-05-01T14:03`, `2026-05-01 14:03:00.250`, `2026-05-01T14:03:00+03:00`, `...Z`;
 * - year first: `2026/05/01`, `2026/5/1 14:03[:00]`;
 * - `YYYYMMDD` (e.g. CDNOW's `19970101`);
 * - `a/b/YYYY[ H:mm[:ss][ AM|PM]]`: month first for `MDY` (and `YMD`, the US default), day first for `DMY`;
 * - `D.M.YYYY[ H:mm[:ss]]`: always day first, as in Turkey and Germany;
 * - Excel serial day numbers (1900 date system, fractions are the time of day): a JS number, or text of exactly
 *   five digits with an optional fraction (10000 = 1927-05-18 up to 2100), the way an XLSX number cell arrives;
 * - a JS Date.
 *
 * Impossible dates and times (2026-02-30, 25:00) and years outside 1900..2100 are refused with their own reason.
 */
export function parseDate(value: string | number | Date, order: DateOrder): DateResult {
  if (value instanceof Date) return inRange(value);
  if (typeof value === "number") return fromExcelSerial(value);
  const text = value.trim();
  let m = ISO.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, fraction, zone] = m;
    const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, "0")) : 0;
    return build(num(y), num(mo), num(d), num(h), num(mi), num(s), ms, zone);
  }
  m = YEAR_FIRST.exec(text) ?? COMPACT.exec(text);
  if (m) return build(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]));
  m = SLASHED.exec(text);
  if (m) {
    const [first, second] = [num(m[1]), num(m[2])];
    const [month, day] = order === "DMY" ? [second, first] : [first, second];
    const hour = twelveHour(num(m[4]), m[7]);
    if (hour === undefined) return { ok: false, reason: "impossible" };
    return build(num(m[3]), month, day, hour, num(m[5]), num(m[6]));
  }
  m = DOTTED.exec(text);
  if (m) return build(num(m[3]), num(m[2]), num(m[1]), num(m[4]), num(m[5]), num(m[6]));
  if (EXCEL_SERIAL.test(text)) return fromExcelSerial(Number(text));
  return { ok: false, reason: "format" };
}

/**
 * The order of `a/b/YYYY` dates in a file, from its first date values (up to DATE_ORDER_SAMPLE_SIZE):
 * a slashed date whose first part is over 12 means day first (DMY); otherwise slashed dates are month first
 * (MDY: a second part over 12 proves it, and with no evidence either way we take the US default). Without
 * slashed dates, dotted dates (`D.M.YYYY`) make the file DMY and anything else (ISO, YYYYMMDD) YMD.
 */
export function detectDateOrder(samples: readonly string[]): DateOrder {
  let slashed = false;
  let dotted = false;
  for (const sample of samples.slice(0, DATE_ORDER_SAMPLE_SIZE)) {
    const m = DAY_FIRST_SAMPLE.exec(sample.trim());
    if (!m) continue;
    if (m[2] === ".") {
      dotted = true;
      continue;
    }
    slashed = true;
    if (num(m[1]) > 12) return "DMY";
  }
  return slashed ? "MDY" : dotted ? "DMY" : "YMD";
}

function build(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
  zone?: string,
): DateResult {
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, reason: "year_range", year };
  const offset = zone === undefined ? 0 : zoneMinutes(zone);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offset === undefined
  ) {
    return { ok: false, reason: "impossible" };
  }
  return {
    ok: true,
    date: new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000),
  };
}

function fromExcelSerial(serial: number): DateResult {
  if (!Number.isFinite(serial)) return { ok: false, reason: "format" };
  // Excel counts a 29 February 1900 that never was (serial 60); serials before it are one day early.
  if (Math.floor(serial) === 60) return { ok: false, reason: "impossible" };
  const days = serial < 60 ? serial + 1 : serial;
  return inRange(new Date(Math.round((days - EXCEL_UNIX_EPOCH) * MS_PER_DAY)));
}

function inRange(date: Date): DateResult {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) return { ok: false, reason: "format" };
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, reason: "year_range", year };
  return { ok: true, date };
}

/** `Z`, `+03`, `+0300` or `+03:00` as minutes east of UTC; undefined when out of range. */
function zoneMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
}

function twelveHour(hour: number, meridiem: string | undefined): number | undefined {
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) return undefined;
  return (hour % 12) + (meridiem.toUpperCase() === "PM" ? 12 : 0);
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A regex group as a number; an absent optional group is 0. */
const num = (group: string | undefined) => (group === undefined ? 0 : Number(group));
