import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { EngineRunner } from "../domain/pipeline/engine.js";
import { ENGINE_TASKS, type EngineTask, type EngineTasks } from "../engine/tasks.js";

type Input<T extends EngineTask> = Parameters<EngineTasks[T]>[0];
type Output<T extends EngineTask> = ReturnType<EngineTasks[T]>;

interface Pending {
  task: EngineTask;
  input: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  current: Pending | undefined;
}

/**
 * A small pool of worker threads running `engine-thread`. A job's stage loads its data from the database on
 * the main thread (I/O), hands the computation to a thread, and writes the results back: the HTTP server and
 * BullMQ's lock renewals keep running meanwhile. A thread that dies fails its task and is replaced.
 */
export class EngineThreads implements EngineRunner {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly logger: Logger,
  ) {}

  run<T extends EngineTask>(task: T, input: Input<T>): Promise<Output<T>> {
    if (this.closed) return Promise.reject(new Error("the Engine's threads are shut down"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, input, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(new Error("the Engine is shutting down"));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }

  private pump() {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.waiting.shift()!;
      slot.current = pending;
      slot.worker.postMessage({ task: pending.task, input: pending.input });
    }
  }

  private spawn(): Slot {
    const worker = threadWorker();
    const slot: Slot = { worker, current: undefined };
    worker.unref();
    worker.on("message", (message: { ok: true; output: unknown } | { ok: false; message: string }) => {
      const pending = slot.current;
      slot.current = undefined;
      if (pending) {
        if (message.ok) pending.resolve(message.output);
        else pending.reject(new Error(message.message));
      }
      this.pump();
    });
    worker.on("error", (error) => {
      this.logger.error({ err: error }, "an Engine thread failed; starting another");
      this.drop(slot, error);
    });
    worker.on("exit", (code) => {
      if (!this.closed) this.drop(slot, new Error(`an Engine thread exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private drop(slot: Slot, error: Error) {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.current?.reject(error);
    slot.current = undefined;
    this.pump();
  }
}

/** Runs tasks on the calling thread: for environments without worker threads, and for `ENGINE_THREADS=0`. */
export class InlineEngine implements EngineRunner {
  async run<T extends EngineTask>(task: T, input: Input<T>): Promise<Output<T>> {
    return (ENGINE_TASKS[task] as (input: Input<T>) => Output<T>)(input);
  }

  async close(): Promise<void> {}
}

/**
 * A thread running the Engine's module, compiled or not: from TypeScript sources (tsx in development, vitest in
 * tests) the thread first registers tsx's loader in itself, then imports them; the built server runs plain
 * JavaScript.
 */
function threadWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./engine-thread.js", import.meta.url));
  const tsx = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const api = pathToFileURL(path.join(tsx, "dist/esm/api/index.mjs")).href;
  const entry = new URL("./engine-thread.ts", import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}
