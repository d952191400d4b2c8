import { createHash } from "node:crypto";
import type { Request } from "express";
import type { AppContext } from "../context.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from "../db/idempotency-keys.js";
import { DomainError } from "../domain/errors.js";
import type { Principal } from "../domain/principal.js";
import type { OperationSpec } from "./contract.js";

export interface IdempotentRun {
  replay?: { status: number; body: unknown };
  complete(status: number, body: unknown): Promise<void>;
  release(): Promise<void>;
}

const scopeOf = (op: OperationSpec, principal: Principal, req: Request) => {
  const who =
    principal.kind === "session"
      ? `user:${principal.userId}`
      : principal.kind === "apiKey"
        ? `project:${principal.projectId}`
        : `ip:${req.ip}`;
  return `${op.id}:${who}`;
};

/** What makes two requests "the same": the operation's path, query and JSON body (or upload size). */
const fingerprint = (req: Request) =>
  createHash("sha256")
    .update(
      JSON.stringify({
        params: req.params,
        query: req.query,
        body: req.is("application/json") ? req.body : { contentLength: req.get("content-length") ?? null },
      }),
    )
    .digest("hex");

/**
 * Idempotency-Key for every operation that declares it: the first request with a key runs and its successful
 * response is kept for 24 h; a retry gets that response again (`Idempotent-Replayed: true`) and nothing runs
 * twice. Returns undefined when the request carries no key.
 */
export async function idempotency(
  app: AppContext,
  op: OperationSpec,
  principal: Principal,
  req: Request,
): Promise<IdempotentRun | undefined> {
  const key = req.get("idempotency-key");
  if (!key || !op.parameters.some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key")) {
    return undefined;
  }
  const db = app.db.knex;
  const scope = scopeOf(op, principal, req);
  const claim = await claimIdempotencyKey(db, scope, key, fingerprint(req));
  if (claim.kind === "mismatch") throw new DomainError("conflict", "conflict", "idempotency_mismatch");
  if (claim.kind === "in_progress") throw new DomainError("conflict", "conflict", "idempotency_in_progress");
  return {
    replay: claim.kind === "replay" ? { status: claim.statusCode, body: claim.body } : undefined,
    complete: (status, body) => completeIdempotencyKey(db, scope, key, status, body),
    release: () => releaseIdempotencyKey(db, scope, key),
  };
}
