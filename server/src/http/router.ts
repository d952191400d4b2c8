import express, { type Request, type Response, type Router } from "express";
import type { AppContext } from "../context.js";
import { DomainError, type PendingDetail } from "../domain/errors.js";
import { authenticate } from "./authenticate.js";
import { type OperationSpec, requiredDetail } from "./contract.js";
import { errorBody } from "./error-handler.js";
import { idempotency } from "./idempotency.js";
import { nulCharacters } from "./input-limits.js";
import type { OperationContext, OperationDefinition, OperationId } from "./operation.js";
import { checkSessionOrigin } from "./origin-check.js";

/**
 * Routes every operation of the contract: marks the request with its operation, checks responses against the
 * contract when asked (tests), authenticates, validates path / query / headers / body, and calls the handler.
 * An operation with no handler answers 501 in its surface's error shape (after authentication, so an
 * anonymous caller learns nothing more than 401).
 */
export function contractRouter(
  app: AppContext,
  definitions: OperationDefinition[],
  options: { onlyDefined?: boolean } = {},
): Router {
  const router = express.Router();
  const byId = new Map<string, OperationDefinition>(definitions.map((d) => [d.id, d]));
  for (const id of byId.keys()) app.contract.operation(id); // fails at start for a handler the spec does not know

  for (const op of app.contract.operations) {
    if (op.handledBy !== "router") continue;
    const definition = byId.get(op.id);
    // A worker's metrics listener serves its own operations only; the rest are no route there, not 501.
    if (options.onlyDefined && !definition) continue;
    router[op.method](op.expressPath, (req, res, next) => {
      req.operation = op;
      if (app.config.validateResponses) checkResponsesAgainstContract(app, op, req, res);
      // Before anything reads the body (a multipart upload is a simple cross-site request).
      checkSessionOrigin(req, op, app.config);
      next();
    });
    if (definition?.before) router[op.method](op.expressPath, ...definition.before(app));
    router[op.method](op.expressPath, async (req, res) => {
      const principal = await authenticate(req, op, app);
      req.principal = principal;
      if (!definition)
        throw new DomainError("not_implemented", "not_implemented", "not_implemented", { operation: op.id });
      const query = validateRequest(app, op, req);
      const idempotent = await idempotency(app, op, principal, req);
      if (idempotent?.replay) {
        res.setHeader("Idempotent-Replayed", "true");
        res.status(idempotent.replay.status).json(idempotent.replay.body);
        return;
      }
      // Each handler is typed against its own operation; here they are all called the same way.
      const handler = definition.handler as unknown as (
        ctx: OperationContext<OperationId>,
      ) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | undefined>;
      let reply: Awaited<ReturnType<typeof handler>>;
      try {
        reply = await handler({
          params: req.params as never,
          query: query as never,
          body: req.body as never,
          principal,
          app,
          locale: req.locale,
          log: req.log,
          requestId: req.id,
          req,
          res,
        });
      } catch (error) {
        await idempotent?.release();
        throw error;
      }
      if (!reply) return; // the handler wrote the response itself
      await idempotent?.complete(reply.status, reply.body);
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.status(reply.status);
      if (reply.status === 204) {
        if (app.config.validateResponses) {
          recordProblems(app, op, req, res, app.contract.checkResponse(op, 204, undefined, undefined));
        }
        res.end();
      } else {
        res.json(reply.body);
      }
    });
  }
  return router;
}

/**
 * Checks the request against the operation and returns the query with its values coerced to the declared
 * types (Express 5 re-parses `req.query` on every read, so the coerced copy is what handlers get).
 */
function validateRequest(app: AppContext, op: OperationSpec, req: Request): Record<string, unknown> {
  const query = { ...(req.query as Record<string, unknown>) };
  const details: PendingDetail[] = [
    ...app.contract.validateParameters(op, "path", req.params as Record<string, unknown>),
    ...app.contract.validateParameters(op, "query", query),
    ...app.contract.validateParameters(op, "header", req.headers as Record<string, unknown>),
    // PostgreSQL text cannot hold NUL: refused here, named, before anything is written.
    ...nulCharacters(req.params, "path"),
    ...nulCharacters(query, "query"),
    ...nulCharacters(req.body, "body"),
  ];
  const json = op.requestBody?.content["application/json"];
  if (json) {
    const hasBody = Number(req.get("content-length") ?? 0) > 0 || req.get("transfer-encoding") !== undefined;
    if (hasBody && !req.is("application/json")) {
      details.push({
        location: "header",
        field: "Content-Type",
        rule: "const",
        messageKey: "rule.const",
        params: { field: "Content-Type", value: "application/json" },
      });
    } else if (req.body === undefined) {
      if (op.requestBody?.required) details.push(requiredDetail("body", "body"));
    } else {
      details.push(...app.contract.validateBody(op, "application/json", req.body));
    }
  }
  if (details.length === 0) return query;
  const first = details[0]!;
  const summary = details.length === 1 ? first.field : `${first.field} (+${details.length - 1})`;
  throw new DomainError(
    "invalid",
    "validation_failed",
    "validation_failed",
    { summary },
    {
      details: details.slice(0, 20),
      errorCount: details.length,
    },
  );
}

/**
 * Test-time guard: every JSON response is checked against the contract before it leaves. A response that
 * drifts is replaced by a 500 naming the problem, so the test that caused it fails where it happened.
 */
function checkResponsesAgainstContract(
  app: AppContext,
  op: OperationSpec,
  req: Request,
  res: Response,
): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const status = res.statusCode;
    const problems =
      status === 501
        ? app.contract.checkSchema(op.surface === "engine" ? "EngineError" : "GatewayError", body)
        : app.contract.checkResponse(op, status, "application/json", body);
    if (problems.length === 0) return send(body);
    recordProblems(app, op, req, res, problems);
    res.status(500);
    const summary = `${op.id} ${status}: ${problems.slice(0, 3).join("; ")}`;
    return send(errorBody(req, "response_contract_violation", "response_contract_violation", { summary }));
  };
}

function recordProblems(
  app: AppContext,
  op: OperationSpec,
  req: Request,
  _res: Response,
  problems: string[],
): void {
  if (problems.length === 0) return;
  const line = `${op.id} (${req.method} ${req.originalUrl}): ${problems.join("; ")}`;
  app.contractViolations.push(line);
  req.log.error({ operation: op.id, problems }, "response does not match the contract");
}
