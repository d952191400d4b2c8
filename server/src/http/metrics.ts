import { createHash, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import express, { type RequestHandler } from "express";
import type { AppContext } from "../context.js";
import { DomainError } from "../domain/errors.js";
import type { Metrics } from "../metrics.js";
import { errorHandler, routeNotFound } from "./error-handler.js";

/**
 * Counts and times every response by the operation it answered (the contract's operationId; `static` for the
 * dashboard and docs, `metrics` for scrapes, `route_not_found` otherwise), and the 429s by reason.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once("finish", () => {
      const operation =
        req.operation?.id ??
        (req.path === "/metrics" ? "metrics" : req.path.startsWith("/api") ? "route_not_found" : "static");
      const labels = { operation, method: req.method, status: String(res.statusCode) };
      end(labels);
      metrics.httpRequests.inc(labels);
      const code = res.locals.errorCode;
      if (code === "rate_limited" || code === "quota_exceeded") metrics.rejections.inc({ reason: code });
    });
    next();
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** GET /metrics in Prometheus text format, for the bearer token in METRICS_TOKEN only. */
export function metricsEndpoint(app: AppContext): RequestHandler {
  return async (req, res, next) => {
    const token = app.config.metricsToken;
    if (!token)
      return next(new DomainError("not_configured", "metrics_not_configured", "metrics_not_configured"));
    const given = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
    if (!timingSafeEqual(digest(given), digest(token))) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      return next(new DomainError("unauthenticated", "metrics_token_invalid", "metrics_token_invalid"));
    }
    res.setHeader("Content-Type", app.metrics.registry.contentType);
    res.setHeader("Cache-Control", "no-store");
    res.send(await app.metrics.registry.metrics());
  };
}

/** A `worker` process's own listener, serving only GET /metrics (its job and Engine metrics live there). */
export async function listenForMetrics(app: AppContext, port: number): Promise<Server> {
  const server = express();
  server.get("/metrics", metricsEndpoint(app));
  server.use(routeNotFound);
  server.use(errorHandler);
  const http = server.listen(port, app.config.host);
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
  });
  return http;
}
