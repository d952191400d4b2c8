/**
 * ABC classes by cumulative monetary value (the usual 80 / 15 / 5 cut-offs): A customers bring the first 80 % of
 * the revenue, B the next 15 %, C the rest.
 *
 * Boundary rule (implementations differ on it, so it is fixed here): customers are sorted by monetary value,
 * descending, ties kept in input order; a customer's share is taken *before* adding them. A customer is A while
 * that share is < 80 % (so the customer who crosses 80 % is still A), B while it is < 95 % (the one crossing 95 %
 * is still B), C after that. Customers with monetary <= 0 (nothing bought, or net returners) are C and do not count
 * in the total, so they never dilute the others' shares; with no positive monetary value at all, everyone is C.
 */

export type AbcClass = "A" | "B" | "C";

const A_SHARE = 0.8;
const B_SHARE = 0.95;

/** The ABC class of each customer, in input order, from their monetary values (see the boundary rule above). */
export function abcClasses(monetary: number[]): AbcClass[] {
  const classes = monetary.map((): AbcClass => "C");
  const total = monetary.reduce((sum, value) => (value > 0 ? sum + value : sum), 0);
  if (!(total > 0)) return classes;

  // Array.prototype.sort is stable, so equal values keep their input order.
  const byValue = monetary.map((_, i) => i).sort((i, j) => monetary[j]! - monetary[i]!);
  let before = 0;
  for (const i of byValue) {
    const value = monetary[i]!;
    if (!(value > 0)) break;
    const share = before / total;
    classes[i] = share < A_SHARE ? "A" : share < B_SHARE ? "B" : "C";
    before += value;
  }
  return classes;
}
