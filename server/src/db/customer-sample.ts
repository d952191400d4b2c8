import type { Knex } from "knex";

/**
 * A seeded sample of a project's customers, by customer key: a key is in it when its hash with the seed falls in
 * the first `share` of the hash range, so the same customers are drawn for their transactions, profiles and
 * exposures (exposed people without a profile included), in one indexed pass each. Share 1 is everyone.
 */
export interface CustomerSample {
  share: number;
  seed: number;
}

const HASH_RANGE = 2 ** 31;

/** `column` is in the sample, as a where clause (true for everyone). */
export function inSample(db: Knex, column: string, sample: CustomerSample | undefined) {
  if (!sample || sample.share >= 1) return db.raw("true");
  return db.raw(`(hashtext(${column} || ?) & 2147483647) < ?`, [
    `:${sample.seed}`,
    Math.floor(sample.share * HASH_RANGE),
  ]);
}

/** How many customers the project has, and the sample share that draws about `size` of them (1: all). */
export async function customerSampleShare(
  db: Knex,
  projectId: string,
  size: number,
): Promise<{ customers: number; share: number }> {
  const row = await db("customers")
    .where({ project_id: projectId })
    .count<{ count: string }>({ count: "*" })
    .first();
  const customers = Number(row?.count ?? 0);
  return { customers, share: customers <= size ? 1 : size / customers };
}
