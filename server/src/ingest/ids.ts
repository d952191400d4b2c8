/**
 * Ids as spreadsheets write them: a numeric id cell read as a float comes out as "17850.0" in an export, while the
 * API and other files send "17850". An id that is an integer followed by a zero fraction ("17850.0", "-3.00") is
 * that integer ("17850", "-3"); every other id is kept exactly as written (leading zeros, "17850.5", "A-17850.0").
 * Applied to customer, order and campaign ids on every ingest path (files and API records).
 */
const ZERO_FRACTION = /^(-?\d+)\.0+$/;

export function normalizeId(id: string): string {
  return id.replace(ZERO_FRACTION, "$1");
}
