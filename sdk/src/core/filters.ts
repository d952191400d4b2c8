import type { Schema } from "../types.js";

export type FilterDocument = Schema<"FilterDocument">;
export type FilterNode = Schema<"FilterNode">;
export type FilterCondition = Schema<"FilterCondition">;

type Customer = Schema<"Customer">;
type Scalar = string | number | boolean;
type FieldTypes = { [K in Exclude<keyof Customer, "extra_features">]: NonNullable<Customer[K]> };

/** A customer field, or `extra_features.<key>` for a field you sent with your records. */
export type FilterField = keyof FieldTypes | `extra_features.${string}`;
type ValueOf<F extends FilterField> = F extends keyof FieldTypes ? FieldTypes[F] : Scalar;

/** The conditions on one field; each returns a plain FilterCondition of the contract. */
export interface FieldFilter<V> {
  eq(value: V): FilterCondition;
  neq(value: V): FilterCondition;
  gt(value: V): FilterCondition;
  gte(value: V): FilterCondition;
  lt(value: V): FilterCondition;
  lte(value: V): FilterCondition;
  in(values: V[]): FilterCondition;
  nin(values: V[]): FilterCondition;
  /** Between `min` and `max`, both inclusive; either may be left out. Numbers or ISO dates. */
  range(min?: Extract<V, number | string>, max?: Extract<V, number | string>): FilterCondition;
  /** `true` (default): the field is set; `false`: null or missing. */
  exists(value?: boolean): FilterCondition;
  /** Case-insensitive substring of a text field. */
  contains(value: string): FilterCondition;
}

/**
 * A typed builder for the customer filter language:
 * `[filter.field("rfm_monetary").range(1000, 50000), filter.any(filter.field("churn_risk").eq("high"), ...)]`.
 */
export const filter = {
  field<F extends FilterField>(field: F): FieldFilter<ValueOf<F>> {
    const condition = (
      op: FilterCondition["op"],
      operand: Partial<FilterCondition> = {},
    ): FilterCondition => ({
      field,
      op,
      ...operand,
    });
    const compare = (op: FilterCondition["op"]) => (value: Scalar) => condition(op, { value });
    return {
      eq: compare("eq"),
      neq: compare("neq"),
      gt: compare("gt"),
      gte: compare("gte"),
      lt: compare("lt"),
      lte: compare("lte"),
      in: (values) => condition("in", { values }),
      nin: (values) => condition("nin", { values }),
      range: (min, max) =>
        condition("range", { ...(min !== undefined && { min }), ...(max !== undefined && { max }) }),
      exists: (value = true) => condition("exists", { value }),
      contains: compare("contains"),
    };
  },
  /** OR: matches when any node matches. */
  any: (...nodes: FilterNode[]): FilterNode => ({ any: nodes }),
  /** AND: matches when every node matches. */
  all: (...nodes: FilterNode[]): FilterNode => ({ all: nodes }),
};

/** The `filters` query parameter: a document (or one node) as JSON; a string is taken as already encoded. */
export const encodeFilters = (
  filters: FilterDocument | FilterNode | string | undefined,
): string | undefined =>
  filters === undefined || typeof filters === "string"
    ? filters
    : JSON.stringify(Array.isArray(filters) ? filters : [filters]);
