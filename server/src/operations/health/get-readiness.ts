import { pendingMigrations } from "../../db/migrate.js";
import { defineOperation } from "../../http/operation.js";
import { checkDependencies } from "./check-dependencies.js";

/**
 * Readiness: the database and Redis answer and the schema has every migration this version ships. A process
 * that is shutting down says so, so a load balancer moves traffic away before it stops listening.
 */
export const getReadiness = defineOperation("getReadiness", async ({ app }) => {
  const [{ up, ...health }, pending] = await Promise.all([
    checkDependencies(app),
    pendingMigrations(app.db).catch(() => undefined),
  ]);
  const migrations = pending
    ? { status: pending.length ? ("pending" as const) : ("current" as const), pending }
    : { status: "unknown" as const, pending: [] };
  const status = app.lifecycle.shuttingDown
    ? ("shutting_down" as const)
    : up && migrations.status === "current"
      ? ("ready" as const)
      : ("not_ready" as const);
  return { status: status === "ready" ? 200 : 503, body: { status, ...health, migrations } } as never;
});
