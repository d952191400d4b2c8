import type { FilterDocument, FilterNode } from "@segmento/sdk";

/** What a customer field holds, which decides its operators (the server checks the same). */
export type FieldType = "number" | "date" | "text" | "extra";

export const FILTER_FIELDS: Record<string, FieldType> = {
  customer_id: "text",
  customer_id_hash: "text",
  segment_label: "text",
  churn_risk: "text",
  abc_category: "text",
  churn_score: "number",
  rfm_recency_days: "number",
  rfm_frequency: "number",
  rfm_monetary: "number",
  rfm_r_score: "number",
  rfm_f_score: "number",
  rfm_m_score: "number",
  return_rate: "number",
  uplift_score: "number",
  predicted_clv: "number",
  first_transaction_at: "date",
  last_transaction_at: "date",
};

/** The field choice for `extra_features.<key>`. */
export const EXTRA = "extra_features";

export type Op = "eq" | "neq" | "in" | "nin" | "range" | "gt" | "gte" | "lt" | "lte" | "exists" | "contains";
const ORDERED: Op[] = ["gt", "gte", "lt", "lte", "range"];
export const OPS: Record<FieldType, Op[]> = {
  number: ["eq", "neq", "in", "nin", "exists", ...ORDERED],
  date: ["eq", "neq", "in", "nin", "exists", ...ORDERED],
  text: ["eq", "neq", "in", "nin", "exists", "contains"],
  extra: ["eq", "neq", "in", "nin", "exists", "contains", ...ORDERED],
};

export interface ConditionDraft {
  kind: "condition";
  id: number;
  /** A key of FILTER_FIELDS, or EXTRA with `extraKey`. */
  field: string;
  extraKey: string;
  op: Op;
  /** eq, neq, gt, gte, lt, lte, contains. */
  value: string;
  /** in, nin: comma-separated. */
  values: string;
  min: string;
  max: string;
  /** exists: true = is set. */
  exists: boolean;
}

export interface GroupDraft {
  kind: "group";
  id: number;
  mode: "all" | "any";
  children: (ConditionDraft | GroupDraft)[];
}

let nextId = 1;
export const newCondition = (field = "rfm_monetary", op: Op = "gte"): ConditionDraft => ({
  kind: "condition",
  id: nextId++,
  field,
  extraKey: "",
  op,
  value: "",
  values: "",
  min: "",
  max: "",
  exists: true,
});
export const newGroup = (mode: "all" | "any" = "all", children: GroupDraft["children"] = []): GroupDraft => ({
  kind: "group",
  id: nextId++,
  mode,
  children,
});

export const fieldType = (field: string): FieldType => FILTER_FIELDS[field] ?? "extra";

/** The contract's document for the builder's tree: the top group's conditions, ANDed (or one `any` group). */
export function toDocument(root: GroupDraft): FilterDocument {
  const nodes = root.children.flatMap(toNode);
  if (nodes.length === 0) return [];
  return root.mode === "all" ? nodes : [{ any: nodes }];
}

/** A condition still missing its operand (or its feature name): left out until it is filled in. */
export function isIncomplete(draft: ConditionDraft): boolean {
  if (fieldType(draft.field) === "extra" && draft.extraKey.trim() === "") return true;
  if (draft.op === "in" || draft.op === "nin") return draft.values.split(",").every((v) => v.trim() === "");
  if (draft.op === "range") return draft.min.trim() === "" && draft.max.trim() === "";
  if (draft.op === "exists") return false;
  return draft.value.trim() === "";
}

export function hasIncomplete(group: GroupDraft): boolean {
  return group.children.some((child) =>
    child.kind === "group" ? hasIncomplete(child) : isIncomplete(child),
  );
}

function toNode(draft: ConditionDraft | GroupDraft): FilterNode[] {
  if (draft.kind === "group") {
    const children = draft.children.flatMap(toNode);
    if (children.length === 0) return [];
    return [draft.mode === "all" ? { all: children } : { any: children }];
  }
  if (isIncomplete(draft)) return [];
  const type = fieldType(draft.field);
  const field = type === "extra" ? `${EXTRA}.${draft.extraKey.trim()}` : draft.field;
  const operand = (text: string): string | number => {
    const trimmed = text.trim();
    const numeric = trimmed !== "" && !Number.isNaN(Number(trimmed));
    return type === "number" || (type === "extra" && numeric) ? Number(trimmed) : trimmed;
  };
  switch (draft.op) {
    case "in":
    case "nin":
      return [
        {
          field,
          op: draft.op,
          values: draft.values
            .split(",")
            .map(operand)
            .filter((v) => v !== ""),
        },
      ];
    case "range":
      return [
        {
          field,
          op: "range",
          ...(draft.min.trim() !== "" && { min: operand(draft.min) }),
          ...(draft.max.trim() !== "" && { max: operand(draft.max) }),
        },
      ];
    case "exists":
      return [{ field, op: "exists", value: draft.exists }];
    default:
      return [{ field, op: draft.op, value: operand(draft.value) }];
  }
}

/** The builder's tree for a saved document (a segment's rules), to edit it. */
export function fromDocument(document: FilterDocument | null | undefined): GroupDraft {
  return newGroup("all", (document ?? []).map(fromNode));
}

function fromNode(node: FilterNode): ConditionDraft | GroupDraft {
  if ("any" in node) return newGroup("any", node.any.map(fromNode));
  if ("all" in node) return newGroup("all", node.all.map(fromNode));
  const extra = node.field.startsWith(`${EXTRA}.`);
  const draft = newCondition(extra ? EXTRA : node.field, node.op);
  if (extra) draft.extraKey = node.field.slice(EXTRA.length + 1);
  const text = (v: unknown) => (v === undefined ? "" : String(v));
  if (node.op === "exists") draft.exists = node.value !== false;
  else draft.value = text(node.value);
  draft.values = (node.values ?? []).map(String).join(", ");
  draft.min = text(node.min);
  draft.max = text(node.max);
  return draft;
}
