import type { EngineTask, EngineTasks } from "../../engine/tasks.js";

/**
 * Where the pipeline runs the Engine's CPU-heavy tasks (model fits, clustering): somewhere the API's event loop
 * does not wait for them. jobs/engine-threads.ts provides worker threads.
 */
export interface EngineRunner {
  run<T extends EngineTask>(
    task: T,
    input: Parameters<EngineTasks[T]>[0],
  ): Promise<ReturnType<EngineTasks[T]>>;
  close(): Promise<void>;
}
