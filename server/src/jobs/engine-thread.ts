import { parentPort } from "node:worker_threads";
import { ENGINE_TASKS, type EngineTask } from "../engine/tasks.js";

/** An Engine thread (see engine-threads.ts): runs one task at a time and answers with its result or error. */
const port = parentPort;
if (!port) throw new Error("engine-thread runs as a worker thread only");
port.on("message", ({ task, input }: { task: EngineTask; input: never }) => {
  try {
    const run = ENGINE_TASKS[task] as (input: unknown) => unknown;
    port.postMessage({ ok: true, output: run(input) });
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
