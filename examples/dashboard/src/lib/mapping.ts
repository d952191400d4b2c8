// The server's own column rules (pure code, no I/O): the preview proposes what an upload without a mapping
// would detect, and checks a changed mapping by the same rules the server applies to it.
import { comparableName, HEADER_SYNONYMS, resolveColumns } from "../../../../server/src/ingest/columns.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../../../../server/src/ingest/fields.js";

export { CANONICAL_FIELDS, type CanonicalField };

/** Our field -> the file's column ("" = not in this file). Sent whole as the upload's `mapping`. */
export type Mapping = Record<CanonicalField, string>;

export interface MappingCheck {
  /** Required fields the mapping leaves out, columns it names twice or that are not there. */
  problems: { field: string; rule: string }[];
  /** Columns that will be kept as the customers' extra features. */
  extra: string[];
}

/**
 * Each field's column as the server detects it: the first of the field's synonyms that some free column
 * matches. Unlike resolveColumns this keeps its guesses when a required column is missing, so the user can
 * fix just that one.
 */
export function detectMapping(headers: string[]): Mapping {
  const names = headers.map((header) => header.trim());
  const comparable = names.map(comparableName);
  const used = new Set<number>();
  const mapping = {} as Mapping;
  for (const field of CANONICAL_FIELDS) {
    mapping[field] = "";
    for (const synonym of HEADER_SYNONYMS[field].map(comparableName)) {
      const index = comparable.findIndex((name, i) => name === synonym && names[i] !== "" && !used.has(i));
      if (index >= 0) {
        mapping[field] = names[index]!;
        used.add(index);
        break;
      }
    }
  }
  return mapping;
}

export function checkMapping(headers: string[], mapping: Mapping): MappingCheck {
  const resolution = resolveColumns(headers, mapping);
  if (!resolution.ok) {
    return { problems: resolution.problems.map((p) => ({ field: p.field, rule: p.rule })), extra: [] };
  }
  return { problems: [], extra: resolution.mapping.extra.map((column) => column.name) };
}
