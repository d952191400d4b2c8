import type { ComponentChildren } from "preact";
import { useApp } from "../state.js";

/** A column heading: its text, `num` for right-aligned numbers, or `actions` for the buttons' column. */
export type Column = string | { label: string; num: true } | "actions";

/** A scrollable table with column headings; the rows are its children. */
export function DataTable({
  columns,
  class: className,
  children,
}: {
  columns: Column[];
  class?: string;
  children: ComponentChildren;
}) {
  const { t } = useApp();
  return (
    <div class="table-wrap">
      <table class={className}>
        <thead>
          <tr>
            {columns.map((column, i) =>
              column === "actions" ? (
                <th scope="col" key="actions">
                  <span class="visually-hidden">{t("common.actions")}</span>
                </th>
              ) : typeof column === "string" ? (
                <th scope="col" key={column}>
                  {column}
                </th>
              ) : (
                <th scope="col" class="num" key={`${column.label}${i}`}>
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A labelled figure in a `<dl class="stats">`. */
export function Stat({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Shorthand for a numeric column. */
export const num = (label: string): Column => ({ label, num: true });
