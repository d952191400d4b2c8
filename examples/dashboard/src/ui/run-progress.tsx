import type { JobStatus } from "@segmento/sdk";
import { useEffect, useState } from "preact/hooks";
import { followPipeline, type PipelineProgress, STAGES } from "../lib/pipeline.js";
import { useApp } from "../state.js";
import { ErrorNote, ProgressBar } from "./feedback.js";

/** A live progress bar over a job and the pipeline stages after it; calls onDone once the last one finished. */
export function RunProgress({ jobId, onDone }: { jobId: string; onDone?(jobs: JobStatus[]): void }) {
  const { client, t } = useApp();
  const [progress, setProgress] = useState<PipelineProgress | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    followPipeline(client, jobId, setProgress, controller.signal).then(
      (jobs) => onDone?.(jobs),
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(reason);
      },
    );
    return () => controller.abort();
  }, [jobId]);
  const stageNumber = progress ? STAGES.indexOf(progress.stage as (typeof STAGES)[number]) + 1 : 0;
  const label = !progress
    ? t("run.starting")
    : progress.done
      ? t("run.done")
      : stageNumber > 0
        ? t("run.stage", { stage: t(`stage.${progress.stage}`), n: stageNumber, of: STAGES.length })
        : t(`stage.${progress.stage}`);
  return (
    <div class="run" data-status={error ? "failed" : progress?.done ? "done" : "running"}>
      <ProgressBar
        value={progress?.overall ?? 0}
        label={label}
        detail={
          progress && !progress.done ? `${t(`status.${progress.status}`)} · ${progress.message}` : undefined
        }
      />
      <ErrorNote error={error} title={t("run.failed")} />
    </div>
  );
}
