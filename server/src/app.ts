import cors from "cors";
import express, { type Express } from "express";
import helmet from "helmet";
import type { AppContext } from "./context.js";
import { betterAuthRoute } from "./http/better-auth-routes.js";
import { errorHandler, routeNotFound } from "./http/error-handler.js";
import { nestsDeeperThan, tooDeeplyNested } from "./http/input-limits.js";
import { httpMetrics } from "./http/metrics.js";
import type { OperationDefinition } from "./http/operation.js";
import { globalRateLimit, isRateLimited } from "./http/rate-limit.js";
import { requestContext } from "./http/request-context.js";
import { contractRouter } from "./http/router.js";
import { staticSites } from "./http/static-sites.js";
import { operations } from "./operations/index.js";

const STRIPE_WEBHOOK_PATH = "/api/stripe/webhook";

/** Builds the HTTP app from a context. No side effects: nothing listens, nothing connects. */
export function createApp(app: AppContext, definitions: OperationDefinition[] = operations): Express {
  const server = express();
  server.disable("x-powered-by");
  server.set("trust proxy", "loopback");
  server.use(requestContext(app.logger));
  server.use(httpMetrics(app.metrics));
  server.use(helmet());
  server.use(
    cors({
      origin: app.config.trustedOrigins,
      credentials: true,
      exposedHeaders: [
        "X-Request-Id",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "RateLimit-Policy",
        "Retry-After",
        "Idempotent-Replayed",
      ],
    }),
  );
  const limit = globalRateLimit(app);
  server.use((req, res, next) => (isRateLimited(req.path) ? limit(req, res, next) : next()));
  // better-auth serves the auth routes the contract documents, and only those: its other endpoints (for example
  // its own organization routes) would bypass our checks. It reads its own bodies, so it comes before the
  // JSON parser. Its errors come out in our shape.
  const betterAuth = betterAuthRoute(app);
  for (const op of app.contract.operations.filter((o) => o.handledBy === "better-auth")) {
    server[op.method](op.expressPath, (req, res) => {
      req.operation = op;
      return betterAuth(req, res);
    });
  }
  server.use(
    express.json({
      limit: app.config.bodyLimitBytes,
      // Checked on the raw bytes, before JSON.parse or any validator recurses into the body. Stripe signs the
      // bytes it sent, not our parse of them, so the webhook keeps them.
      verify: (req, _res, raw) => {
        if ((req as express.Request).url === STRIPE_WEBHOOK_PATH) (req as express.Request).rawBody = raw;
        if (nestsDeeperThan(raw)) throw tooDeeplyNested("body", "body");
      },
    }),
  );
  server.use(contractRouter(app, definitions));
  server.use(staticSites(app));
  server.use(routeNotFound);
  server.use(errorHandler);
  return server;
}
