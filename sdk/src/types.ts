import type { components, operations, Readable, Writable } from "./generated/schema.js";

type Schemas = components["schemas"];

/** A model as the API returns it, e.g. `Schema<"Customer">` (read-only fields included). */
export type Schema<Name extends keyof Schemas> = Readable<Schemas[Name]>;

/** A model as the API accepts it in a request body, e.g. `Input<"ProjectCreate">` (read-only fields left out). */
export type Input<Name extends keyof Schemas> = Writable<Schemas[Name]>;

/** The query parameters of an operation, e.g. `Query<"listFiles">`. */
export type Query<Operation extends keyof operations> = NonNullable<
  operations[Operation]["parameters"]["query"]
>;
