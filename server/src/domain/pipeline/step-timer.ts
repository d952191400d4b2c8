/** Times the steps of a stage: `time("clustering", () => ...)` runs the step and records its milliseconds. */
export function stepTimer() {
  const durations: Record<string, number> = {};
  const time = async <T>(step: string, work: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await work();
    durations[step] = Math.round(performance.now() - started);
    return result;
  };
  return { durations, time };
}
