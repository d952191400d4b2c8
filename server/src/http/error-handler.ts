import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { isDatabaseUnavailable } from "../db/database.js";
import { DependencyUnavailableError } from "../dependency-unavailable.js";
import { DomainError, type ErrorDetail, type PendingDetail } from "../domain/errors.js";
import { type MessageKey, type MessageParams, translate } from "../i18n/index.js";
import { STATUS_OF } from "./errors.js";

/** Which body shape a request's errors take: the engine's `{detail}` or the gateway's `{error}`. */
export function surfaceOf(req: Request): "engine" | "gateway" {
  if (req.operation) return req.operation.surface === "engine" ? "engine" : "gateway";
  return req.path.startsWith("/api/engine/") ? "engine" : "gateway";
}

export function errorBody(
  req: Request,
  code: string,
  messageKey: MessageKey,
  params: MessageParams,
  details?: PendingDetail[],
  errorCount?: number,
): Record<string, unknown> {
  const message = translate(req.locale, messageKey, params);
  const body: Record<string, unknown> =
    surfaceOf(req) === "engine" ? { detail: message, code } : { error: message, code };
  body.requestId = req.id;
  if (details && details.length > 0) {
    body.details = details.map(
      ({ messageKey: key, params: p, ...rest }): ErrorDetail => ({
        ...rest,
        message: translate(req.locale, key, p),
      }),
    );
  }
  if (errorCount !== undefined) body.errorCount = errorCount;
  return body;
}

export function sendError(req: Request, res: Response, error: DomainError): void {
  if (error.options.retryAfterSeconds !== undefined)
    res.setHeader("Retry-After", String(error.options.retryAfterSeconds));
  const { details, errorCount, extra } = error.options;
  res.status(STATUS_OF[error.kind]).json({
    ...errorBody(req, error.code, error.messageKey, error.params, details, errorCount),
    ...extra,
  });
}

/** 404 for any path no route matched, in the shape of the surface the path belongs to. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(
    new DomainError("not_found", "route_not_found", "route_not_found", {
      method: req.method,
      path: req.path,
    }),
  );
};

/** Turns anything thrown into a response: domain errors by kind, parser and dependency failures mapped, the rest 500. */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  sendError(req, res, toDomainError(error, req));
};

function toDomainError(error: unknown, req: Request): DomainError {
  if (error instanceof DomainError) return error;
  const parsing = bodyParserError(error);
  if (parsing) return parsing;
  if (isDataError(error)) {
    // A value PostgreSQL refuses (SQLSTATE class 22: bad encoding, out of range, ...) is the caller's input.
    req.log.warn({ err: error }, "database refused a value");
    return new DomainError("invalid", "invalid_data", "invalid_data", { reason: (error as Error).message });
  }
  if (error instanceof DependencyUnavailableError || isDatabaseUnavailable(error)) {
    const dependency = error instanceof DependencyUnavailableError ? error.dependency : "database";
    req.log.error({ err: error, dependency }, "dependency unavailable");
    return new DomainError(
      "unavailable",
      "dependency_unavailable",
      "dependency_unavailable",
      { dependency },
      {
        retryAfterSeconds: 5,
      },
    );
  }
  req.log.error({ err: error }, "unhandled error");
  return new DomainError("internal", "internal_error", "internal_error", { requestId: req.id });
}

/**
 * The body parser's failures, each a 4xx with a stable code: too large (413), not JSON, not decodable (a
 * corrupt gzip stream, an unknown Content-Encoding or charset), or cut short of its Content-Length (400).
 */
function bodyParserError(error: unknown): DomainError | undefined {
  const { type, code } = error as { type?: string; code?: string };
  const reason = (error as Error).message;
  if (type === "entity.too.large") {
    const limit = (error as { limit?: number }).limit ?? 0;
    return new DomainError("too_large", "payload_too_large", "payload_too_large", { limit });
  }
  if (type === "entity.parse.failed")
    return new DomainError("invalid", "invalid_json", "invalid_json", { reason });
  const undecodable =
    type === "encoding.unsupported" || type === "charset.unsupported" || code?.startsWith("Z_") === true;
  if (undecodable)
    return new DomainError("invalid", "invalid_body_encoding", "invalid_body_encoding", { reason });
  if (type === "request.aborted" || type === "request.size.invalid")
    return new DomainError("invalid", "invalid_body", "invalid_body", { reason });
  return undefined;
}

function isDataError(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === "string";
}
