import { Readable } from "node:stream";
import { stagedLine } from "../../db/ingest-rows.js";
import { isReturnStatus, type NormalizedRow } from "../../ingest/normalize.js";

/**
 * How returns count: a record is a return when its amount is negative or its status says returned/refunded.
 * Its absolute value counts as returned money; every other record is a purchase.
 */
export const isReturn = (row: { amount: number; status: string | null }) =>
  row.amount < 0 || isReturnStatus(row.status);

/**
 * A normalized row as a line of its file's staged rows (what the ingest job streams into COPY). Extra features
 * are kept as text, as a file's cells are: an API record's `"visits": 3` is stored as "3" like an upload's.
 */
export function stagedRow(line: number, row: NormalizedRow): string {
  const keys = Object.keys(row.extra);
  const extra =
    keys.length === 0 ? null : Object.fromEntries(keys.map((key) => [key, String(row.extra[key])]));
  if (row.kind === "purchase") {
    return stagedLine({
      kind: "purchase",
      customer_key: row.customerKey,
      order_date: row.orderDate,
      amount: row.amount,
      order_id: row.orderId,
      quantity: row.quantity,
      currency: row.currency,
      status: row.status,
      is_return: isReturn(row),
      campaign_id: null,
      exposure_group: null,
      exposed_at: null,
      line,
      extra,
    });
  }
  return stagedLine({
    kind: "campaign_exposure",
    customer_key: row.customerKey,
    order_date: null,
    amount: null,
    order_id: null,
    quantity: null,
    currency: null,
    status: null,
    is_return: null,
    campaign_id: row.campaignId,
    exposure_group: row.group,
    exposed_at: row.exposedAt,
    line,
    extra,
  });
}

const CHUNK_CHARS = 256 * 1024;

/** Staged lines as a stream of large chunks, so that the store (and later COPY) sees few big writes. */
export function inChunks(lines: Iterable<string> | AsyncIterable<string>): Readable {
  return Readable.from(
    (async function* () {
      let chunk = "";
      for await (const line of lines) {
        chunk += line;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = "";
        }
      }
      if (chunk !== "") yield chunk;
    })(),
  );
}
