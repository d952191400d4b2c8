/** A dependency (the database, Redis) did not answer: raised by any layer, answered 503 naming it. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: "database" | "redis" | "stripe",
    cause?: unknown,
  ) {
    super(`${dependency} unavailable`, { cause });
    this.name = "DependencyUnavailableError";
  }
}
