const INTEGER = /^\d+$/;
const EXPONENT = /^(?:\d+\.?\d*|\.\d+)e[+-]?\d+$/i;

/**
 * Reads an amount, a quantity or a price. JS numbers are taken as they are (when finite). Text may have a sign
 * and decimals with a dot or a comma; the separators are told apart like this:
 *
 * - both `.` and `,` present: the one that comes last is the decimal separator and the other one separates
 *   thousands (`1,234.50` and `1.234,50` are both 1234.5);
 * - only dots: one dot is a decimal point (`129.90`, `1.234` = 1.234); several are thousands separators
 *   (`1.234.567`);
 * - only commas: `d,ddd` (1 to 3 digits, a comma, exactly 3 digits) and several commas are thousands
 *   separators (`1,234` = 1234, `1,234,567`); any other single comma is a decimal comma (`129,90`, `0,5`);
 * - thousands separators must group digits by three (`1,23,4.5` is refused);
 * - JS exponent notation (`1e+21`, `1.5e-7`, what String(n) writes) is read as such.
 *
 * Currency symbols, spaces inside the number and parentheses are refused. Returns undefined when the text is
 * not a number in one of these forms, or is not finite.
 */
export function parseNumber(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? withoutNegativeZero(value) : undefined;
  const text = value.trim();
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.startsWith("-") || text.startsWith("+") ? text.slice(1) : text;
  const magnitude = EXPONENT.test(body) ? Number(body) : parseSeparated(body);
  if (magnitude === undefined || !Number.isFinite(magnitude)) return undefined;
  return withoutNegativeZero(sign * magnitude);
}

function parseSeparated(body: string): number | undefined {
  const lastDot = body.lastIndexOf(".");
  const lastComma = body.lastIndexOf(",");
  let decimal: "." | "," | undefined;
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ",";
  else if (lastDot >= 0) decimal = body.indexOf(".") === lastDot ? "." : undefined;
  else if (lastComma >= 0)
    decimal = body.indexOf(",") === lastComma && !/^\d{1,3},\d{3}$/.test(body) ? "," : undefined;
  const group = decimal === "." ? "," : decimal === "," ? "." : lastDot >= 0 ? "." : ",";

  const cut = decimal === undefined ? body.length : body.lastIndexOf(decimal);
  const whole = body.slice(0, cut);
  const fraction = body.slice(cut + 1);
  if (decimal !== undefined && !INTEGER.test(fraction)) return undefined;
  if (!validWhole(whole, group, decimal !== undefined)) return undefined;
  return Number(`${whole.split(group).join("") || "0"}.${fraction || "0"}`);
}

/** Digits, optionally grouped by three with the thousands separator; may be empty before a decimal (`.5`). */
function validWhole(whole: string, group: string, hasDecimal: boolean): boolean {
  if (whole === "") return hasDecimal;
  if (!whole.includes(group)) return INTEGER.test(whole);
  const [head = "", ...groups] = whole.split(group);
  return /^\d{1,3}$/.test(head) && groups.every((g) => /^\d{3}$/.test(g));
}

const withoutNegativeZero = (n: number) => (Object.is(n, -0) ? 0 : n);
