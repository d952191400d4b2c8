import type { operations, Readable, Writable } from "@segmento/sdk/schema";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { AppContext } from "../context.js";
import type { Principal } from "../domain/principal.js";
import type { Locale } from "../i18n/index.js";

/** Every operationId of the contract, as the generated types know them. */
export type OperationId = keyof operations;

type Op<Id extends OperationId> = operations[Id];
type Parameters<Id extends OperationId> = Op<Id>["parameters"];
type PathOf<Id extends OperationId> =
  Parameters<Id> extends { path: infer P } ? NonNullable<P> : Record<string, never>;
type QueryOf<Id extends OperationId> =
  Parameters<Id> extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;
// Request bodies drop readOnly fields and responses drop writeOnly ones, as the generated markers say.
type BodyOf<Id extends OperationId> =
  Op<Id> extends { requestBody: { content: { "application/json": infer B } } }
    ? Writable<B>
    : Op<Id> extends { requestBody?: { content: { "application/json": infer B } } }
      ? Writable<B> | undefined
      : undefined;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? Readable<B> : undefined;
type SuccessStatus = 200 | 201 | 202 | 204;

/** What a handler returns: one of the operation's documented success statuses with its body. */
export type Reply<Id extends OperationId> = {
  [S in keyof Op<Id>["responses"] & SuccessStatus]: {
    status: S;
    body: JsonOf<Op<Id>["responses"][S]>;
    headers?: Record<string, string>;
  };
}[keyof Op<Id>["responses"] & SuccessStatus];

export interface OperationContext<Id extends OperationId> {
  params: PathOf<Id>;
  query: QueryOf<Id>;
  body: BodyOf<Id>;
  principal: Principal;
  app: AppContext;
  locale: Locale;
  log: Logger;
  requestId: string;
  req: Request;
  res: Response;
}

/**
 * A handler answers with a Reply, or with nothing when it wrote the response itself (streams). Errors are
 * thrown as DomainError and rendered by the error middleware in the operation's surface shape.
 */
export type OperationHandler<Id extends OperationId> = (
  ctx: OperationContext<Id>,
) => Promise<Reply<Id> | undefined>;

export interface OperationDefinition<Id extends OperationId = OperationId> {
  id: Id;
  handler: OperationHandler<Id>;
  /** Middleware that runs before validation, e.g. a per-IP limit of a public form. */
  before?: (app: AppContext) => RequestHandler[];
}

export function defineOperation<Id extends OperationId>(
  id: Id,
  handler: OperationHandler<Id>,
  options: { before?: (app: AppContext) => RequestHandler[] } = {},
): OperationDefinition<Id> {
  return { id, handler, ...options };
}
