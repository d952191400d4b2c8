import type { MessageKey } from "../i18n/index.js";
import {
  type ConditionDraft,
  EXTRA,
  FILTER_FIELDS,
  fieldType,
  type GroupDraft,
  hasIncomplete,
  newCondition,
  newGroup,
  OPS,
  type Op,
} from "../lib/filters.js";
import { useApp } from "../state.js";

type Node = ConditionDraft | GroupDraft;
const MAX_DEPTH = 4;

/** A visual editor of the customer filter language: conditions on any field, with any / all groups. */
export function FilterBuilder({ value, onChange }: { value: GroupDraft; onChange(next: GroupDraft): void }) {
  const { t } = useApp();
  return (
    <div class="filter-builder">
      <Group group={value} depth={0} onChange={(next) => onChange(next as GroupDraft)} />
      {hasIncomplete(value) && <p class="meta">{t("filter.incomplete")}</p>}
    </div>
  );
}

function Group({
  group,
  depth,
  onChange,
  onRemove,
}: {
  group: GroupDraft;
  depth: number;
  onChange(next: Node): void;
  onRemove?(): void;
}) {
  const { t } = useApp();
  const replace = (id: number, next: Node | undefined) =>
    onChange({
      ...group,
      children: group.children.flatMap((child) => (child.id === id ? (next ? [next] : []) : [child])),
    });
  return (
    <fieldset class={`filter-group depth-${depth}`}>
      <legend>
        <label class="inline">
          <span>{t("filter.match")}</span>
          <select
            value={group.mode}
            onChange={(e) => onChange({ ...group, mode: e.currentTarget.value as "all" | "any" })}
          >
            <option value="all">{t("filter.all")}</option>
            <option value="any">{t("filter.any")}</option>
          </select>
          <span>{t("filter.of")}</span>
        </label>
      </legend>
      {group.children.length === 0 && <p class="meta">{t("filter.empty")}</p>}
      <ul class="filter-list">
        {group.children.map((child) => (
          <li key={child.id}>
            {child.kind === "group" ? (
              <Group
                group={child}
                depth={depth + 1}
                onChange={(next) => replace(child.id, next)}
                onRemove={() => replace(child.id, undefined)}
              />
            ) : (
              <Condition
                condition={child}
                onChange={(next) => replace(child.id, next)}
                onRemove={() => replace(child.id, undefined)}
              />
            )}
          </li>
        ))}
      </ul>
      <div class="row">
        <button
          type="button"
          onClick={() => onChange({ ...group, children: [...group.children, newCondition()] })}
        >
          {t("filter.addCondition")}
        </button>
        {depth < MAX_DEPTH && (
          <button
            type="button"
            onClick={() =>
              onChange({ ...group, children: [...group.children, newGroup("any", [newCondition()])] })
            }
          >
            {t("filter.addGroup")}
          </button>
        )}
        {onRemove && (
          <button type="button" class="link" onClick={onRemove}>
            {t("filter.removeGroup")}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function Condition({
  condition,
  onChange,
  onRemove,
}: {
  condition: ConditionDraft;
  onChange(next: ConditionDraft): void;
  onRemove(): void;
}) {
  const { t } = useApp();
  const type = fieldType(condition.field);
  const ops = OPS[type];
  const set = (patch: Partial<ConditionDraft>) => onChange({ ...condition, ...patch });
  const inputType = type === "number" ? "number" : type === "date" ? "date" : "text";
  const operand = (key: "value" | "min" | "max", label: MessageKey) => (
    <input
      type={inputType as "text"}
      step={type === "number" ? "any" : undefined}
      aria-label={t(label)}
      placeholder={t(label)}
      value={condition[key]}
      onInput={(e) => set({ [key]: e.currentTarget.value })}
    />
  );
  return (
    <div class="condition">
      <select
        aria-label={t("filter.field")}
        value={condition.field}
        onChange={(e) => {
          const field = e.currentTarget.value;
          const allowed = OPS[fieldType(field)];
          set({ field, op: allowed.includes(condition.op) ? condition.op : allowed[0]! });
        }}
      >
        {Object.keys(FILTER_FIELDS).map((field) => (
          <option key={field} value={field}>
            {t(`field.${field}` as MessageKey)}
          </option>
        ))}
        <option value={EXTRA}>{t("filter.extra")}</option>
      </select>
      {type === "extra" && (
        <input
          aria-label={t("filter.extraKey")}
          placeholder={t("filter.extraKey")}
          value={condition.extraKey}
          onInput={(e) => set({ extraKey: e.currentTarget.value })}
        />
      )}
      <select
        aria-label={t("filter.operator")}
        value={condition.op}
        onChange={(e) => set({ op: e.currentTarget.value as Op })}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {t(`op.${op}`)}
          </option>
        ))}
      </select>
      {condition.op === "range" ? (
        <>
          {operand("min", "filter.min")}
          {operand("max", "filter.max")}
        </>
      ) : condition.op === "in" || condition.op === "nin" ? (
        <input
          aria-label={t("filter.values")}
          placeholder={t("filter.valuesHint")}
          value={condition.values}
          onInput={(e) => set({ values: e.currentTarget.value })}
        />
      ) : condition.op === "exists" ? (
        <select
          aria-label={t("filter.value")}
          value={condition.exists ? "true" : "false"}
          onChange={(e) => set({ exists: e.currentTarget.value === "true" })}
        >
          <option value="true">{t("filter.isSet")}</option>
          <option value="false">{t("filter.isNotSet")}</option>
        </select>
      ) : (
        operand("value", "filter.value")
      )}
      <button type="button" class="link" onClick={onRemove} aria-label={t("filter.removeCondition")}>
        ✕
      </button>
    </div>
  );
}
