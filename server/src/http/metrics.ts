import type { Server } from "node:http";
import express, { type RequestHandler } from "express";
import type { AppContext } from "../context.js";
import type { Metrics } from "../metrics.js";
import { operations } from "../operations/index.js";
import { errorHandler, routeNotFound } from "./error-handler.js";
import { requestContext } from "./request-context.js";
import { contractRouter } from "./router.js";

/**
 * Counts and times every response by the operation it answered (the contract's operationId; `static` for the
 * dashboard and docs, `route_not_found` otherwise), and the 429s by reason.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once("finish", () => {
      const operation = req.operation?.id ?? (req.path.startsWith("/api") ? "route_not_found" : "static");
      const labels = { operation, method: req.method, status: String(res.statusCode) };
      end(labels);
      metrics.httpRequests.inc(labels);
      const code = res.locals.errorCode;
      if (code === "rate_limited" || code === "quota_exceeded") metrics.rejections.inc({ reason: code });
    });
    next();
  };
}

/** A `worker` process's own listener, serving only GET /metrics (its job and Engine metrics live there). */
export async function listenForMetrics(app: AppContext, port: number): Promise<Server> {
  const server = express();
  server.disable("x-powered-by");
  server.use(requestContext(app.logger));
  server.use(
    contractRouter(
      app,
      operations.filter((op) => op.id === "getMetrics"),
      { onlyDefined: true },
    ),
  );
  server.use(routeNotFound);
  server.use(errorHandler);
  const http = server.listen(port, app.config.host);
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
  });
  return http;
}
