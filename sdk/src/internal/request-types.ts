/**
 * The types of `Segmento.request` and `Segmento.use`, stated here rather than imported from openapi-fetch. They
 * mean what openapi-fetch's `FetchOptions`, `MethodResponse` and `Middleware` mean, but the published
 * declarations then never load openapi-fetch's own: checking those (its `Client` type's variance over every
 * path) was nine tenths of what a consumer's type-check with `skipLibCheck: false` cost. openapi-fetch stays
 * the runtime; the helper types come from openapi-typescript-helpers (a dependency: its declarations are small).
 */
import type {
  IsOperationRequestBodyOptional,
  MediaType,
  OperationRequestBodyContent,
  PathsWithMethod,
  Readable,
  RequiredKeysOf,
  ResponseObjectMap,
  SuccessResponse,
  Writable,
} from "openapi-typescript-helpers";
import type { paths } from "../generated/schema.js";

export type Method = "get" | "put" | "post" | "patch" | "delete";
/** The contract's paths that have this method. */
export type PathFor<M extends Method> = PathsWithMethod<paths, M>;
export type Operation<M extends Method, P extends PathFor<M>> = paths[P][M & keyof paths[P]];

type ParamsOption<T> = T extends { parameters: infer Parameters }
  ? RequiredKeysOf<Parameters> extends never
    ? { params?: Parameters }
    : { params: Parameters }
  : { params?: { query?: Record<string, unknown> } };

type RequestBodyOption<T> =
  Writable<OperationRequestBodyContent<T>> extends never
    ? { body?: never }
    : IsOperationRequestBodyOptional<T> extends true
      ? { body?: Writable<OperationRequestBodyContent<T>> }
      : { body: Writable<OperationRequestBodyContent<T>> };

/** What one call sends: the operation's parameters and body, typed by the contract. */
export type CallInit<T> = ParamsOption<T> &
  RequestBodyOption<T> & {
    /** How to read a 2xx body; `"stream"` hands over the body stream (Server-Sent Events). Default `"json"`. */
    parseAs?: "json" | "text" | "blob" | "arrayBuffer" | "stream";
    /** Headers of this call. */
    headers?: Record<string, string | undefined>;
  };

/** What a 2xx of the operation holds, as the API returns it (read-only fields in, write-only ones out). */
export type OperationResponse<T> =
  ResponseObjectMap<T> extends infer Responses extends Record<string | number, unknown>
    ? NonNullable<Readable<SuccessResponse<Responses, MediaType>>>
    : never;

/** What a middleware callback is given: openapi-fetch's `MiddlewareCallbackParams`. */
export interface MiddlewareCallbackParams {
  /** The request about to be sent; an `onRequest` may return a new one. */
  request: Request;
  /** The contract's path, with its braces (`/api/projects/{id}`). */
  readonly schemaPath: string;
  /** The call's parameters. */
  readonly params: {
    query?: Record<string, unknown>;
    header?: Record<string, unknown>;
    path?: Record<string, unknown>;
    cookie?: Record<string, unknown>;
  };
  /** One id per call. */
  readonly id: string;
  /** The underlying openapi-fetch client's options. */
  readonly options: {
    baseUrl: string;
    parseAs: "json" | "text" | "blob" | "arrayBuffer" | "stream";
    querySerializer: (query: Record<string, unknown>) => string;
    // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's serializers take and return anything
    bodySerializer: (body: any) => any;
    pathSerializer: (pathname: string, pathParams: Record<string, unknown>) => string;
    fetch: typeof globalThis.fetch;
  };
}

// An async callback that returns nothing resolves to void, hence the voids (as in openapi-fetch).
type OnRequest = (
  options: MiddlewareCallbackParams,
  // biome-ignore lint/suspicious/noConfusingVoidType: see above
) => void | Request | Response | undefined | Promise<Request | Response | undefined | void>;
type OnResponse = (
  options: MiddlewareCallbackParams & { response: Response },
  // biome-ignore lint/suspicious/noConfusingVoidType: see above
) => void | Response | undefined | Promise<Response | undefined | void>;
type OnError = (
  options: MiddlewareCallbackParams & { error: unknown },
  // biome-ignore lint/suspicious/noConfusingVoidType: see above
) => void | Response | Error | Promise<void | Response | Error>;

/** openapi-fetch middleware: at least one of `onRequest`, `onResponse`, `onError`. */
export type Middleware =
  | { onRequest: OnRequest; onResponse?: OnResponse; onError?: OnError }
  | { onRequest?: OnRequest; onResponse: OnResponse; onError?: OnError }
  | { onRequest?: OnRequest; onResponse?: OnResponse; onError: OnError };
