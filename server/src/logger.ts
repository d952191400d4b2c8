import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/**
 * Paths that can carry a secret. Handlers never log request bodies or headers wholesale, and these paths are
 * redacted anyway as a second line of defence.
 */
const REDACT = [
  "authorization",
  "cookie",
  "password",
  "apiKey",
  "key",
  "secret",
  "token",
  "*.authorization",
  "*.cookie",
  "*.password",
  "*.apiKey",
  "*.key",
  "*.secret",
  "*.token",
  "headers.authorization",
  "headers.cookie",
];

export function createLogger(config: Pick<Config, "logLevel">, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: "segmento" },
      redact: { paths: REDACT, censor: "[REDACTED]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
