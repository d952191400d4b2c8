/**
 * A process's shutdown as the rest of the code sees it: once begun, readiness answers 503 and every open event
 * stream is told to reconnect (to another instance, behind a load balancer) and ended.
 */
export class Lifecycle {
  shuttingDown = false;
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` when the shutdown begins (at once if it has); returns how to stop listening. */
  onShutdown(listener: () => void): () => void {
    if (this.shuttingDown) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  begin(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }
}
