import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Principal } from "../domain/principal.js";
import { type Locale, negotiateLocale } from "../i18n/index.js";
import type { OperationSpec } from "./contract.js";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
    locale: Locale;
    /** The contract operation this request matched, once routed. */
    operation?: OperationSpec;
    principal?: Principal;
    /** The JSON body's exact bytes, kept only where a signature covers them (Stripe's webhook). */
    rawBody?: Buffer;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, else a new UUID), echoes it in the
 * response, and a child logger that stamps it on every line. Logs one line per request when it finishes:
 * method, path without the query string, status, duration. Never headers or bodies.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    req.id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    req.locale = negotiateLocale(req.get("accept-language"));
    res.setHeader("X-Request-Id", req.id);
    res.setHeader("Content-Language", req.locale);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          operation: req.operation?.id,
        },
        "request",
      );
    });
    next();
  };
}
