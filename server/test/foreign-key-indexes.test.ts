import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("the schema, as migrated", () => {
  // Deleting a project cascades over every table that references it: an unindexed foreign key turns each
  // cascade (and each parent delete) into a scan of the whole child table.
  it("indexes every foreign key: its columns lead some index that covers every row", async () => {
    const { rows } = await server.app.db.knex.raw(`
      SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name,
             array_to_string(array_agg(a.attname ORDER BY k.ord), ', ') AS columns
        FROM pg_constraint c
        CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.contype = 'f'
         AND c.connamespace = 'public'::regnamespace
         AND NOT EXISTS (
               SELECT 1 FROM pg_index i
                WHERE i.indrelid = c.conrelid
                  AND i.indpred IS NULL
                  AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey)
       GROUP BY c.conrelid, c.conname
       ORDER BY 1, 2`);
    const foreignKeys = await server.app.db.knex.raw(
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    );
    expect(foreignKeys.rows[0].n).toBeGreaterThan(10);
    expect(
      rows.map(
        (row: { table_name: string; columns: string; constraint_name: string }) =>
          `${row.table_name} (${row.columns}) for ${row.constraint_name}`,
      ),
    ).toEqual([]);
  });
});
