import { type BetterAuthOptions, betterAuth } from "better-auth";
import { organization } from "better-auth/plugins";
import type { Logger } from "pino";
import type { SharedPool } from "../db/database.js";

export interface AuthSettings {
  pool: SharedPool;
  secret: string;
  baseUrl: string;
  trustedOrigins: string[];
  logger: Logger;
}

/** better-auth's options: email + password sessions and organizations (owner / admin / member), on our pool. */
export function authOptions(settings: AuthSettings): BetterAuthOptions {
  return {
    database: settings.pool,
    secret: settings.secret,
    baseURL: settings.baseUrl,
    basePath: "/api/auth",
    trustedOrigins: settings.trustedOrigins,
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    plugins: [organization()],
    telemetry: { enabled: false },
    logger: {
      level: "warn",
      log: (level, message) => settings.logger[level]({ source: "better-auth" }, message),
    },
  };
}

export function createAuth(settings: AuthSettings) {
  return betterAuth(authOptions(settings));
}

export type Auth = ReturnType<typeof createAuth>;
