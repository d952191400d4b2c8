/**
 * The API reference, generated from openapi/segmento.yaml when the site is built: one page per tag, one section
 * per operation (anchored by its operationId) with its security, parameters, request body, responses and their
 * examples, and a curl line. Nothing here is written by hand, so the reference cannot drift from the contract.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  description?: string;
  example?: unknown;
  examples?: unknown[];
};
interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
  content?: Record<string, { schema?: Schema }>;
}
interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value?: unknown }>;
}
interface Response {
  $ref?: string;
  description?: string;
  content?: Record<string, Media>;
}
export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, Media> };
  responses: Record<string, Response>;
  method: string;
  path: string;
}
interface Spec {
  info: { description?: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  security?: Record<string, string[]>[];
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, Response>;
  };
}

export const SPEC_FILE = fileURLToPath(new URL("../../openapi/segmento.yaml", import.meta.url));
const METHODS = ["get", "post", "put", "patch", "delete"];

export const loadSpec = (): Spec => parse(readFileSync(SPEC_FILE, "utf8")) as Spec;

/** Every operation of the contract, in document order. */
export function operationsOf(spec: Spec): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) => {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    return METHODS.filter((m) => item[m]).map((method) => {
      const op = item[method] as Omit<Operation, "method" | "path">;
      return { ...op, parameters: [...shared, ...(op.parameters ?? [])], method, path };
    });
  });
}

export const tagSlug = (tag: string) => tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");

export function apiReferenceSidebar() {
  const spec = loadSpec();
  return [
    {
      text: "API reference",
      items: [
        { text: "Overview", link: "/reference/api/" },
        ...spec.tags.map((t) => ({ text: t.name, link: `/reference/api/${tagSlug(t.name)}` })),
      ],
    },
  ];
}

/** The tag pages, for VitePress's dynamic route reference/api/[tag].md. */
export function apiReferencePages(): { params: { tag: string; title: string }; content: string }[] {
  const spec = loadSpec();
  const operations = operationsOf(spec);
  const index = { params: { tag: "index", title: "API reference" }, content: apiReferenceIndex(spec) };
  return [
    index,
    ...spec.tags.map((tag) => ({
      params: { tag: tagSlug(tag.name), title: tag.name },
      content: tagPage(
        spec,
        tag,
        operations.filter((o) => o.tags?.includes(tag.name)),
      ),
    })),
  ];
}

/** The reference's front page: the contract's own introduction and the list of every operation. */
function apiReferenceIndex(spec: Spec): string {
  const rows = operationsOf(spec).map(
    (o) =>
      `| [\`${o.method.toUpperCase()} ${o.path}\`](./${tagSlug(o.tags?.[0] ?? "")}#${o.operationId.toLowerCase()}) | ${text(o.summary ?? "")} |`,
  );
  return [
    "# API reference",
    "",
    "Generated from the contract, `openapi/segmento.yaml`, each time the site is built: one page per area, one",
    "section per operation with its parameters, bodies, responses, errors and examples. The [SDK reference](../sdk/)",
    "covers the same operations from TypeScript.",
    "",
    spec.info.description ?? "",
    "",
    "## Every operation",
    "",
    "| operation | what it does |",
    "| --- | --- |",
    ...rows,
  ].join("\n");
}

function tagPage(spec: Spec, tag: { name: string; description?: string }, operations: Operation[]): string {
  const out = [`# ${tag.name}`, "", prose(tag.description ?? ""), "", '<div class="api-reference">', ""];
  for (const op of operations) out.push(...operationSection(spec, op));
  out.push("</div>");
  return out.join("\n");
}

function operationSection(spec: Spec, op: Operation): string[] {
  const out = [
    `## ${text(op.summary ?? op.operationId)} {#${op.operationId.toLowerCase()}}`,
    "",
    `<code class="api-method api-${op.method}">${op.method.toUpperCase()}</code> <code>${escapeHtml(op.path)}</code> · operationId \`${op.operationId}\` · ${security(spec, op)}`,
    "",
    prose(op.description ?? ""),
    "",
  ];
  const parameters = (op.parameters ?? []).map((p) => resolve<Parameter>(spec, p));
  if (parameters.length > 0) {
    out.push(
      "**Parameters**",
      "",
      "| name | in | type | required | description |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const p of parameters) {
      const schema = p.schema ?? Object.values(p.content ?? {})[0]?.schema ?? {};
      out.push(
        `| \`${p.name}\` | ${p.in} | ${typeOf(spec, schema)} | ${p.required ? "yes" : "no"} | ${text(p.description ?? resolve<Schema>(spec, schema).description ?? "")} |`,
      );
    }
    out.push("");
  }
  if (op.requestBody?.content) {
    for (const [type, media] of Object.entries(op.requestBody.content)) {
      out.push(`**Request body** (\`${type}\`${op.requestBody.required ? ", required" : ""})`, "");
      if (op.requestBody.description) out.push(prose(op.requestBody.description), "");
      if (media.schema) out.push(...schemaTable(spec, media.schema));
      out.push(...examples(spec, media, "Request example"));
    }
  }
  out.push("**Responses**", "");
  for (const [status, raw] of Object.entries(op.responses)) {
    const response = resolve<Response>(spec, raw);
    const media = Object.entries(response.content ?? {});
    const types = media.map(([t, m]) => `\`${t}\`${m.schema ? ` ${typeOf(spec, m.schema)}` : ""}`).join(", ");
    out.push(`- **${status}** ${text(response.description ?? "")}${types ? ` — ${types}` : ""}`);
  }
  out.push("");
  for (const [status, raw] of Object.entries(op.responses)) {
    if (!status.startsWith("2")) continue;
    const response = resolve<Response>(spec, raw);
    for (const [type, media] of Object.entries(response.content ?? {})) {
      if (type !== "application/json") continue;
      if (media.schema) out.push(`**${status} body**`, "", ...schemaTable(spec, media.schema));
      out.push(...examples(spec, media, `${status} example`));
    }
  }
  out.push("**Example**", "", "```sh", curlExample(spec, op), "```", "");
  return out;
}

function security(spec: Spec, op: Operation): string {
  const schemes = (op.security ?? spec.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.length === 0) return "public";
  const names: Record<string, string> = { apiKey: "API key", metricsToken: "metrics token (METRICS_TOKEN)" };
  return schemes.map((s) => names[s] ?? s).join(" or ");
}

function curlExample(spec: Spec, op: Operation): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => `$${snake(name).toUpperCase()}`);
  const schemes = (op.security ?? spec.security ?? []).flatMap((s) => Object.keys(s));
  const lines = [`curl -sS --fail-with-body -X ${op.method.toUpperCase()} "http://localhost:3001${path}"`];
  if (schemes.includes("apiKey") && !schemes.includes("session"))
    lines.push('  -H "Authorization: Bearer $SEGMENTO_API_KEY"');
  else if (schemes.includes("metricsToken")) lines.push('  -H "Authorization: Bearer $METRICS_TOKEN"');
  else if (schemes.includes("session"))
    lines.push(`  -b cookies.txt${op.method === "get" ? "" : ' -H "Origin: http://localhost:3001"'}`);
  const json = op.requestBody?.content?.["application/json"];
  if (json) {
    const example = firstExample(spec, json);
    lines.push('  -H "Content-Type: application/json"');
    if (example !== undefined) lines.push(`  -d '${JSON.stringify(example).replace(/'/g, "'\\''")}'`);
  } else if (op.requestBody?.content?.["multipart/form-data"]) lines.push("  -F file=@orders.csv");
  return lines.join(" \\\n");
}

function examples(spec: Spec, media: Media, label: string): string[] {
  const out: string[] = [];
  if (media.examples) {
    for (const [name, example] of Object.entries(media.examples)) {
      out.push(
        `*${label}: ${text(example.summary ?? name)}*`,
        "",
        "```json",
        pretty(example.value),
        "```",
        "",
      );
    }
  } else {
    const example = firstExample(spec, media);
    if (example !== undefined) out.push(`*${label}*`, "", "```json", pretty(example), "```", "");
  }
  return out;
}

function firstExample(spec: Spec, media: Media): unknown {
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  if (first) return first.value;
  const schema = media.schema ? resolve<Schema>(spec, media.schema) : undefined;
  return schema?.example ?? schema?.examples?.[0];
}

/** A schema's properties as rows, nested objects and arrays of objects flattened (`settings.kMin`, `items[].id`). */
function schemaTable(spec: Spec, schema: Schema): string[] {
  const rows: string[] = [];
  const walk = (node: Schema, prefix: string, depth: number) => {
    const resolved = merged(spec, node);
    const target = resolved.type === "array" && resolved.items ? merged(spec, resolved.items) : resolved;
    const base = resolved.type === "array" && resolved.items ? `${prefix}[]` : prefix;
    for (const [name, property] of Object.entries(target.properties ?? {})) {
      const path = base ? `${base}.${name}` : name;
      const prop = resolve<Schema>(spec, property);
      rows.push(
        `| \`${path}\` | ${typeOf(spec, property)} | ${target.required?.includes(name) ? "yes" : "no"} | ${text(prop.description ?? "")} |`,
      );
      if (depth < 3) walk(property, path, depth + 1);
    }
  };
  walk(schema, "", 0);
  if (rows.length === 0) return [];
  return ["| field | type | required | description |", "| --- | --- | --- | --- |", ...rows, ""];
}

/** A schema with its $ref followed and its allOf parts folded into one object. */
function merged(spec: Spec, node: Schema): Schema {
  const schema = resolve<Schema>(spec, node);
  if (!schema.allOf) return schema;
  const parts = schema.allOf.map((part) => merged(spec, part));
  return {
    ...schema,
    type: "object",
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), schema.properties ?? {}),
    required: [...parts.flatMap((p) => p.required ?? []), ...(schema.required ?? [])],
  };
}

function typeOf(spec: Spec, node: Schema): string {
  if (node.$ref) return `\`${refName(node.$ref)}\``;
  const variants = node.oneOf ?? node.anyOf;
  if (variants) return variants.map((v) => typeOf(spec, v)).join(" \\| ");
  if (node.allOf) return node.allOf.map((v) => typeOf(spec, v)).join(" & ");
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  const types = Array.isArray(node.type) ? node.type : [node.type ?? "any"];
  return types
    .map((t) =>
      t === "array" && node.items
        ? `${typeOf(spec, node.items)}[]`
        : `${t}${node.format ? ` (${node.format})` : ""}`,
    )
    .join(" \\| ");
}

const refName = (ref: string) => ref.split("/").at(-1) ?? ref;

function resolve<T>(spec: Spec, node: T & { $ref?: string }): T {
  let current = node as T & { $ref?: string };
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const [, , section, name] = current.$ref.split("/");
    current = (spec.components as unknown as Record<string, Record<string, T & { $ref?: string }>>)[
      section!
    ]![name!]!;
  }
  return current;
}

const snake = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2");
const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Markdown from the contract as a page's own paragraphs and lists, with no Vue interpolation. */
const prose = (s: string) => s.replace(/\{\{/g, "&#123;&#123;");
/** Text for a table cell or a list item: one line, pipes escaped, no Vue interpolation. */
const text = (s: string) =>
  s
    .replace(/\n{2,}/g, "<br><br>")
    .replace(/\n/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/\{\{/g, "&#123;&#123;");
