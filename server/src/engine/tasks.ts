import { fitPredictions, scorePredictions } from "./prediction.js";
import { segmentCustomers } from "./segmentation.js";
import { rescoreCustomers } from "./segmentation-model.js";

/**
 * The Engine's CPU-heavy entry points, by name: what the job runner executes on a worker thread so the API's
 * event loop never waits on a model fit. Inputs and results are plain data (structured-clonable).
 */
export const ENGINE_TASKS = {
  segmentCustomers,
  fitPredictions,
  scorePredictions,
  /** Changed customers against a full run's stored models (cheap, but off the API's loop like the rest). */
  rescoreCustomers,
};

export type EngineTasks = typeof ENGINE_TASKS;
export type EngineTask = keyof EngineTasks;
