import { useEffect, useState } from "preact/hooks";
import { type Followed, follow, type Outcome, type PipelineProgress, STAGES } from "../lib/pipeline.js";
import { useApp } from "../state.js";
import { ErrorNote, ProgressBar } from "./feedback.js";

/**
 * A live progress bar over a pipeline run (or a single job); calls onDone once it has ended. A run skipped for a
 * quota says so loudly: its data is stored but not scored.
 */
export function RunProgress({ followed, onDone }: { followed: Followed; onDone?(outcome: Outcome): void }) {
  const { client, t } = useApp();
  const [progress, setProgress] = useState<PipelineProgress | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const key = "run" in followed ? followed.run : followed.job;
  useEffect(() => {
    const controller = new AbortController();
    follow(client, followed, setProgress, controller.signal).then(
      (ended) => {
        setOutcome(ended);
        onDone?.(ended);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(reason);
      },
    );
    return () => controller.abort();
  }, [key]);
  const stageNumber = progress ? STAGES.indexOf(progress.stage as (typeof STAGES)[number]) + 1 : 0;
  const label = !progress
    ? t("run.starting")
    : progress.done
      ? t("run.done")
      : stageNumber > 0
        ? t("run.stage", { stage: t(`stage.${progress.stage}`), n: stageNumber, of: STAGES.length })
        : t(`stage.${progress.stage}`);
  return (
    <div
      class="run"
      data-status={
        error ? "failed" : outcome?.status === "skipped" ? "skipped" : progress?.done ? "done" : "running"
      }
    >
      <ProgressBar
        value={progress?.overall ?? 0}
        label={label}
        detail={
          progress && !progress.done ? `${t(`status.${progress.status}`)} · ${progress.message}` : undefined
        }
      />
      {outcome?.status === "skipped" && (
        <p class="note warning" role="alert">
          {t("run.skipped")} {outcome.message}
        </p>
      )}
      <ErrorNote error={error} title={t("run.failed")} />
    </div>
  );
}
