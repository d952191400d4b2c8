/** The error code table of the errors guide, from the contract's list of codes (GatewayError.code). */
import { loadSpec } from "./api-reference.js";

export function errorCodesTable(): string {
  const spec = loadSpec();
  const description = String(spec.components.schemas.GatewayError?.properties?.code?.description ?? "");
  const rows = [...description.matchAll(/^- `([a-z_]+)` — (\d{3}): (.+)$/gm)].map(
    ([, code, status, meaning]) => `| ${status} | \`${code}\` | ${meaning!.replace(/\|/g, "\\|")} |`,
  );
  if (rows.length === 0) throw new Error("openapi/segmento.yaml: GatewayError.code lists no codes");
  return ["| status | code | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}
