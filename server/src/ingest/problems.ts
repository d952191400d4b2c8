import type { PendingDetail } from "../domain/errors.js";

/**
 * One broken rule in an ingested file or batch, before localization: the same shape as an API error detail minus
 * its location, plus the file line (uploads) or the record index (API batches) it was found at.
 */
export interface Problem extends Omit<PendingDetail, "location"> {
  line?: number;
}

/** Where a row came from: its line in a file, or its index in an API batch. */
export interface RowPosition {
  line?: number;
  index?: number;
}

const SHOWN_VALUE_LIMIT = 100;

/** A value as it appears inside a message: as text, cut short so one bad cell cannot flood a response. */
export function shownValue(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.length > SHOWN_VALUE_LIMIT ? `${text.slice(0, SHOWN_VALUE_LIMIT)}…` : text;
}

/** The API error detail for a problem; a file problem's field reads `line 42: amount`, as the API reference says. */
export function toPendingDetail(problem: Problem): PendingDetail {
  const { line, ...rest } = problem;
  return {
    ...rest,
    location: "body",
    field: line === undefined ? rest.field : `line ${line}: ${rest.field}`,
  };
}
