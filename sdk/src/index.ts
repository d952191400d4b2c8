/**
 * @segmento/sdk: the TypeScript client for the Segmento API. The types come from openapi/segmento.yaml
 * (`npm run generate` writes src/generated/); everything else here is the hand-written runtime.
 */
export {
  type ClientOptions,
  type RateLimitState,
  type RequestOptions,
  Segmento,
  Segmento as default,
} from "./client.js";
export type { ResponseWithData, WithRequestId } from "./core/api-promise.js";
export { APIPromise } from "./core/api-promise.js";
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type ErrorDetail,
  type ErrorFields,
  InternalServerError,
  JobFailedError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  SegmentoError,
  UnprocessableEntityError,
  WebhookVerificationError,
} from "./core/errors.js";
export {
  type FieldFilter,
  type FilterCondition,
  type FilterDocument,
  type FilterField,
  type FilterNode,
  filter,
} from "./core/filters.js";
export type { JobEvent, JobProgress, JobStatus, WaitOptions, WatchOptions } from "./core/jobs.js";
export { type ListPage, type Paged, type PageMethods, PagePromise } from "./core/pagination.js";
export type { Run, RunList, RunProgress, RunWaitOptions, RunWatchOptions } from "./core/runs.js";
export {
  type SegmentMessageEvent,
  type SegmentoTestEvent,
  type SignOptions,
  type VerifyOptions,
  type WebhookEvent,
  type WebhookHeaders,
  webhooks,
} from "./core/webhooks.js";
export type { components, operations, paths } from "./generated/schema.js";
export type { CustomerListQuery } from "./resources/customers.js";
export type { FileUpload } from "./resources/files.js";
export type { IngestAccepted, IngestOptions } from "./resources/ingest.js";
export type { Input, Query, Schema } from "./types.js";
