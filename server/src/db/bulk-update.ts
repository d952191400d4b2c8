import type { Knex } from "knex";

const BATCH = 5000;

/**
 * Updates many rows of `table` by id in batches: each batch is one statement joining a JSON document of
 * rows (jsonb_to_recordset), so it runs the same on PostgreSQL and PGlite. `columns` maps each column to its
 * SQL type.
 */
export async function bulkUpdateById(
  db: Knex,
  table: string,
  rows: ({ id: string } & Record<string, unknown>)[],
  columns: Record<string, string>,
): Promise<void> {
  const names = Object.keys(columns);
  const recordType = [
    "id uuid",
    ...names.map((n) => `${n} ${columns[n] === "vector" ? "text" : columns[n]}`),
  ].join(", ");
  const assignments = names
    .map((n) => `${n} = r.${n}${columns[n] === "vector" ? "::vector" : ""}`)
    .join(", ");
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.raw(
      `UPDATE ${table} AS t SET ${assignments} FROM jsonb_to_recordset(?::jsonb) AS r(${recordType}) WHERE t.id = r.id`,
      [JSON.stringify(rows.slice(i, i + BATCH))],
    );
  }
}
