import type { CustomerCursor, CustomerOrder } from "../../db/customers.js";
import { DomainError } from "../errors.js";

/**
 * The customers list's cursor: the last customer's sort value (as the database wrote it) and id, with the order
 * it belongs to, base64url-encoded JSON. Keeping the value (rather than looking the customer up again) is what
 * keeps pages stable while re-scoring moves that customer.
 */
export function encodeListCursor(order: CustomerOrder, key: CustomerCursor): string {
  const document = { s: order.column, d: order.direction, v: key.value, i: key.id };
  return Buffer.from(JSON.stringify(document)).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key a cursor marks; a 400 naming `starting_after` when it is not one of ours or another order's. */
export function decodeListCursor(cursor: string, order: CustomerOrder): CustomerCursor {
  let document: { s?: unknown; d?: unknown; v?: unknown; i?: unknown } | undefined;
  try {
    document = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    document = undefined;
  }
  const valid =
    typeof document === "object" &&
    document !== null &&
    typeof document.i === "string" &&
    UUID.test(document.i) &&
    (document.v === null || typeof document.v === "string");
  if (!valid) throw cursorError("it is not a cursor this list returned; pass a page's next_cursor unchanged");
  if (document!.s !== order.column || document!.d !== order.direction)
    throw cursorError(
      `it belongs to sort_by=${String(document!.s)}&sort_dir=${String(document!.d)}; ask the next page with the same sort`,
    );
  return { value: document!.v as string | null, id: document!.i as string };
}

/** A 400 naming the `starting_after` query parameter and why it cannot be used. */
export const cursorError = (reason: string) =>
  new DomainError(
    "invalid",
    "validation_failed",
    "cursor_invalid",
    { reason },
    {
      details: [
        {
          location: "query",
          field: "starting_after",
          rule: "cursor",
          messageKey: "cursor_invalid",
          params: { reason },
        },
      ],
    },
  );
