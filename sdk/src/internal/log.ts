/** How much the client logs: `off`, `error`, `warn` (the default), `info` (retries, waits) or `debug` (every request). */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Where log lines go: `console` by default; pino, winston and consola loggers fit as they are. */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

export const isLogLevel = (value: unknown): value is LogLevel =>
  typeof value === "string" && Object.hasOwn(RANK, value);

/** A log function at `level`; lines start with `[segmento]`. Callers pass no headers or bodies, so no secrets. */
export function makeLog(level: LogLevel, logger: Logger) {
  return (at: Exclude<LogLevel, "off">, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[at] > RANK[level]) return;
    if (fields) logger[at](`[segmento] ${message}`, fields);
    else logger[at](`[segmento] ${message}`);
  };
}

export type Log = ReturnType<typeof makeLog>;
