import { defineOperation } from "../../http/operation.js";
import { checkDependencies } from "./check-dependencies.js";

/** Liveness: 200 while the process answers, whatever its dependencies (restarting it would not fix them). */
export const getHealth = defineOperation("getHealth", async ({ app }) => {
  const { up, ...health } = await checkDependencies(app);
  return { status: 200, body: { status: up ? ("ok" as const) : ("degraded" as const), ...health } };
});
