import { type Filter, NUMBER_TEXT, type Value } from "../../src/domain/customers/filter-language.js";

/**
 * The filter language's semantics in memory, over a customer as the API presents it: the oracle the customers
 * tests check the SQL of filtersToSql against.
 */
export function matches(customer: Record<string, unknown>, filters: Filter[]): boolean {
  const test = (filter: Filter): boolean => {
    if (filter.kind === "group")
      return filter.mode === "any" ? filter.children.some(test) : filter.children.every(test);
    const [source, key] =
      filter.type === "extra"
        ? [customer.extra_features as Record<string, unknown> | undefined, filter.extraKey!]
        : [customer, filter.field];
    // Own properties only, as SQL's ->> reads them (an extra feature named "constructor" is just absent).
    const raw = source && Object.hasOwn(source, key) ? source[key] : undefined;
    const present = raw !== null && raw !== undefined;
    if (filter.op === "exists") return present === filter.exists;
    let value: Value | undefined;
    if (!present) value = undefined;
    else if (filter.type === "date") value = new Date(String(raw)).toISOString();
    else if (filter.numeric)
      value = typeof raw === "number" ? raw : NUMBER_TEXT.test(String(raw)) ? Number(raw) : undefined;
    else value = String(raw);
    const equal = (operand: Value) =>
      value !== undefined && (filter.numeric ? Number(value) === Number(operand) : value === operand);
    switch (filter.op) {
      case "contains":
        return (
          value !== undefined && String(value).toLowerCase().includes(String(filter.values[0]).toLowerCase())
        );
      case "eq":
        return equal(filter.values[0]!);
      case "neq":
        return !equal(filter.values[0]!);
      case "in":
        return filter.values.some(equal);
      case "nin":
        return !filter.values.some(equal);
      case "range":
        return (
          value !== undefined &&
          (filter.min === undefined || value >= filter.min) &&
          (filter.max === undefined || value <= filter.max)
        );
      default: {
        if (value === undefined) return false;
        const operand = filter.values[0]!;
        return { gt: value > operand, gte: value >= operand, lt: value < operand, lte: value <= operand }[
          filter.op as "gt"
        ];
      }
    }
  };
  return filters.every(test);
}
