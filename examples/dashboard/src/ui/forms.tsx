import { type ComponentChildren, cloneElement, type VNode } from "preact";
import { useId, useState } from "preact/hooks";
import { useApp } from "../state.js";

/** A labelled control (one element), tied to its label by id and to its hint by aria-describedby. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: VNode }) {
  const id = useId();
  return (
    <div class="field">
      <label class="field-label" for={id}>
        {label}
      </label>
      {cloneElement(children, { id, ...(hint && { "aria-describedby": `${id}-hint` }) })}
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

export function Submit({ pending, children }: { pending: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="primary" disabled={pending} aria-busy={pending}>
      {pending && <span class="spinner small" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** Copies `text`; says whether it worked, since a browser may refuse the clipboard. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useApp();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={copy}>
        {label ?? t("common.copy")}
      </button>
      <span role="status" class="meta">
        {state === "copied" ? t("common.copied") : state === "failed" ? t("common.copyFailed") : ""}
      </span>
    </span>
  );
}

/** A destructive button that asks once more, inline, before it acts. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  pending = false,
}: {
  label: string;
  question: string;
  onConfirm(): void;
  pending?: boolean;
}) {
  const { t } = useApp();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger" disabled={pending} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t("common.yes")}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {t("common.cancel")}
      </button>
    </span>
  );
}

/** A form whose submit runs `onSubmit` instead of navigating. */
export function Form({
  onSubmit,
  class: className,
  children,
}: {
  onSubmit(): void;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <form
      class={className}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
