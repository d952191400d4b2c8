import { SegmentoError } from "@segmento/sdk";
import type { ComponentChildren } from "preact";
import { useApp } from "../state.js";

/**
 * The server's message and code (and request id, and each broken rule) for any error the SDK throws. `warn` is
 * for a refusal that is the server's configuration, not something that just went wrong (a status, not an alert).
 */
export function ErrorNote({ error, title, tone }: { error: unknown; title?: string; tone?: "warn" }) {
  const { t } = useApp();
  if (error === undefined || error === null) return null;
  const known = error instanceof SegmentoError ? error : undefined;
  // The server's own words: status, code and request id are shown apart below.
  const message = known ? known.detail : error instanceof Error ? error.message : String(error);
  const provider = providerAnswer(known?.body);
  return (
    <div class={`note ${tone ?? "error"}`} role={tone ? "status" : "alert"}>
      {title && <strong>{title}: </strong>}
      <span>{message}</span>
      {known && (known.code || known.status) && (
        <p class="meta">
          {known.code && (
            <>
              {t("error.code")} <code>{known.code}</code>
            </>
          )}
          {known.status !== undefined && ` · HTTP ${known.status}`}
          {known.requestId && (
            <>
              {` · ${t("error.request")} `}
              <code>{known.requestId}</code>
            </>
          )}
        </p>
      )}
      {known?.details && known.details.length > 0 && (
        <ul class="details">
          {known.details.map((detail) => (
            <li key={`${detail.field}:${detail.rule}`}>
              <code>{detail.field}</code>: {detail.message}
            </li>
          ))}
          {known.errorCount !== undefined && known.errorCount > known.details.length && (
            <li>{t("error.more", { count: known.errorCount - known.details.length })}</li>
          )}
        </ul>
      )}
      {provider && (
        <p class="meta">
          {t("error.provider", { status: provider.status ?? "—" })} <code>{provider.body ?? ""}</code>
        </p>
      )}
    </div>
  );
}

/** A rejected integration test carries the provider's own answer. */
function providerAnswer(body: unknown): { status: number | null; body: string | null } | undefined {
  if (typeof body !== "object" || body === null || !("provider" in body)) return undefined;
  return (body as { provider: { status: number | null; body: string | null } }).provider;
}

export function Loading({ label }: { label?: string }) {
  const { t } = useApp();
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </p>
  );
}

/** What is missing and what to do next. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-body">{children}</div>}
    </div>
  );
}

/** Loading, the error, or the content. */
export function Async<T>({
  state,
  children,
  label,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean };
  children: (data: T) => ComponentChildren;
  label?: string;
}) {
  if (state.error !== undefined) return <ErrorNote error={state.error} />;
  if (state.data === undefined) return <Loading label={label} />;
  return <>{children(state.data)}</>;
}

export function ProgressBar({ value, label, detail }: { value: number; label: string; detail?: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress-block">
      <div class="progress-label">
        <span>{label}</span>
        <span>{pct}%</span>
      </div>
      <div
        class="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={detail ? `${pct}% ${detail}` : `${pct}%`}
      >
        <div class="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      {detail && <p class="meta">{detail}</p>}
    </div>
  );
}
