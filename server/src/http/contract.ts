import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import type { PendingDetail } from "../domain/errors.js";

/** The contract: openapi/segmento.yaml, read once. Everything the router does is derived from it. */
export const SPEC_PATH = fileURLToPath(new URL("../../../openapi/segmento.yaml", import.meta.url));

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type HttpMethod = (typeof METHODS)[number];
export type Surface = "gateway" | "engine" | "auth";

interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  pointer: string;
}

export interface OperationSpec {
  id: string;
  method: HttpMethod;
  path: string;
  /** The path in Express 5 syntax (`{jobId}` -> `:jobId`). */
  expressPath: string;
  surface: Surface;
  /** Alternatives, each a list of scheme names that must all hold; [] means public. */
  security: string[][];
  handledBy: "router" | "better-auth";
  parameters: ParameterSpec[];
  /** Media types of the request body, with the JSON Pointer of each schema. */
  requestBody: { required: boolean; content: Record<string, string> } | undefined;
  /** The documented example of the JSON request body, if any (tests call operations with it). */
  requestExample: unknown;
  /** status -> media type -> JSON Pointer of the schema (null when the media type has no schema). */
  responses: Record<string, Record<string, string | null>>;
}

type Json = Record<string, unknown>;

const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export class Contract {
  readonly operations: OperationSpec[];
  private readonly ajv: Ajv2020;
  private readonly coercingAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly document: Json = parse(readFileSync(SPEC_PATH, "utf8")) as Json) {
    this.ajv = createAjv(false);
    this.coercingAjv = createAjv(true);
    this.ajv.addSchema(document, "spec");
    this.coercingAjv.addSchema(document, "spec");
    this.operations = this.collectOperations();
  }

  operation(id: string): OperationSpec {
    const op = this.operations.find((o) => o.id === id);
    if (!op) throw new Error(`No operation ${id} in the spec`);
    return op;
  }

  /** Validates (and, for path/query/header, coerces in place) one request part. */
  validateParameters(
    op: OperationSpec,
    location: "path" | "query" | "header",
    values: Json,
  ): PendingDetail[] {
    const params = op.parameters.filter((p) => p.in === location);
    const key = `${op.id}:${location}`;
    let validate = this.cache.get(key);
    if (!validate) {
      const properties: Json = {};
      for (const p of params)
        properties[location === "header" ? p.name.toLowerCase() : p.name] = { $ref: `spec${p.pointer}` };
      const required = params
        .filter((p) => p.required)
        .map((p) => (location === "header" ? p.name.toLowerCase() : p.name));
      validate = this.coercingAjv.compile({
        type: "object",
        properties,
        required,
        additionalProperties: location !== "query",
      });
      this.cache.set(key, validate);
    }
    if (location === "query") {
      // Unknown query parameters are reported, not silently ignored: a typo in a filter name should be loud.
      const known = new Set(params.map((p) => p.name));
      const unknown = Object.keys(values).filter((name) => !known.has(name));
      if (unknown.length > 0) {
        return unknown.map((name) => ({
          location,
          field: name,
          rule: "additionalProperties",
          messageKey: "rule.additionalProperties",
          params: { field: name },
        }));
      }
    }
    return validate(values) ? [] : toDetails(validate.errors ?? [], location);
  }

  validateBody(op: OperationSpec, mediaType: string, body: unknown): PendingDetail[] {
    const pointer = op.requestBody?.content[mediaType];
    if (!pointer) return [];
    const validate = this.compile(pointer);
    return validate(body) ? [] : toDetails(validate.errors ?? [], "body");
  }

  /**
   * Checks a response against the contract. Returns the problems (empty when it conforms). A status the
   * operation does not document is itself a problem.
   */
  checkResponse(op: OperationSpec, status: number, mediaType: string | undefined, body: unknown): string[] {
    const byStatus =
      op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!byStatus) return [`status ${status} is not documented for ${op.id}`];
    if (mediaType === undefined) {
      return Object.keys(byStatus).length === 0 ? [] : [`${op.id} ${status} must have a body`];
    }
    if (!(mediaType in byStatus)) return [`${op.id} ${status} does not document content type ${mediaType}`];
    const pointer = byStatus[mediaType];
    if (!pointer) return [];
    const validate = this.compile(pointer);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}`);
  }

  /** Checks a body against any schema of the spec by name (e.g. the error schemas of a 501). */
  checkSchema(name: string, body: unknown): string[] {
    const validate = this.compile(`#/components/schemas/${escapePointer(name)}`);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }

  private compile(pointer: string): ValidateFunction {
    let validate = this.cache.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `spec${pointer}` });
      this.cache.set(pointer, validate);
    }
    return validate;
  }

  /** Follows a `$ref` within the document, returning the target and its pointer. */
  private deref(value: Json, pointer: string): { value: Json; pointer: string } {
    let current = value;
    let at = pointer;
    while (typeof current.$ref === "string") {
      const ref = current.$ref;
      if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported (${ref} at ${at})`);
      at = ref;
      current = ref
        .slice(2)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<Json>((node, key) => node[key] as Json, this.document);
      if (!current) throw new Error(`Unresolved $ref ${ref}`);
    }
    return { value: current, pointer: at };
  }

  private collectOperations(): OperationSpec[] {
    const paths = (this.document.paths ?? {}) as Record<string, Json>;
    const globalSecurity = (this.document.security ?? []) as Json[];
    const operations: OperationSpec[] = [];
    for (const [path, item] of Object.entries(paths)) {
      const itemPointer = `#/paths/${escapePointer(path)}`;
      const sharedParams = (item.parameters ?? []) as Json[];
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const opPointer = `${itemPointer}/${method}`;
        const parameters = [
          ...sharedParams.map((p, i) => this.parameter(p, `${itemPointer}/parameters/${i}`)),
          ...((op.parameters ?? []) as Json[]).map((p, i) =>
            this.parameter(p, `${opPointer}/parameters/${i}`),
          ),
        ];
        const security = ((op.security ?? globalSecurity) as Json[]).map((req) => Object.keys(req));
        operations.push({
          id: String(op.operationId),
          method,
          path,
          expressPath: path.replace(/\{(\w+)\}/g, ":$1"),
          surface: path.startsWith("/api/auth/")
            ? "auth"
            : path.startsWith("/api/engine/")
              ? "engine"
              : "gateway",
          security: security.some((s) => s.length === 0) ? [] : security,
          handledBy: op["x-segmento-handler"] === "better-auth" ? "better-auth" : "router",
          parameters,
          requestBody: op.requestBody
            ? this.requestBody(op.requestBody as Json, `${opPointer}/requestBody`)
            : undefined,
          requestExample: op.requestBody
            ? this.requestExample(op.requestBody as Json, `${opPointer}/requestBody`)
            : undefined,
          responses: this.responses((op.responses ?? {}) as Json, `${opPointer}/responses`),
        });
      }
    }
    return operations;
  }

  private parameter(raw: Json, pointer: string): ParameterSpec {
    const { value, pointer: at } = this.deref(raw, pointer);
    return {
      name: String(value.name),
      in: value.in as ParameterSpec["in"],
      required: value.required === true,
      pointer: `${at}/schema`,
    };
  }

  private requestBody(raw: Json, pointer: string) {
    const { value, pointer: at } = this.deref(raw, pointer);
    const content: Record<string, string> = {};
    for (const mediaType of Object.keys((value.content ?? {}) as Json)) {
      content[mediaType] = `${at}/content/${escapePointer(mediaType)}/schema`;
    }
    return { required: value.required === true, content };
  }

  private requestExample(raw: Json, pointer: string): unknown {
    const media = (this.deref(raw, pointer).value.content as Record<string, Json> | undefined)?.[
      "application/json"
    ];
    if (!media) return undefined;
    if (media.example !== undefined) return media.example;
    return Object.values((media.examples ?? {}) as Record<string, { value?: unknown }>)[0]?.value;
  }

  private responses(raw: Json, pointer: string) {
    const result: Record<string, Record<string, string | null>> = {};
    for (const [status, response] of Object.entries(raw)) {
      const { value, pointer: at } = this.deref(response as Json, `${pointer}/${status}`);
      const media: Record<string, string | null> = {};
      for (const [mediaType, body] of Object.entries((value.content ?? {}) as Record<string, Json>)) {
        media[mediaType] = body.schema ? `${at}/content/${escapePointer(mediaType)}/schema` : null;
      }
      result[status] = media;
    }
    return result;
  }
}

function createAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // The document mixes JSON Schema with OpenAPI annotations (example, discriminator, x-*): ignore unknown
    // keywords here; `redocly lint` checks the document's own correctness.
    strictSchema: false,
    strictTypes: false,
    validateSchema: false,
    coerceTypes: coerce,
    useDefaults: coerce,
  });
  addFormatsModule.default(ajv);
  for (const format of ["binary", "int32", "int64", "float", "double", "password"])
    ajv.addFormat(format, true);
  return ajv;
}

/** Turns ajv's errors into our details: a field path people read (`records[3].amount`) and a rule name. */
function toDetails(errors: ErrorObject[], location: PendingDetail["location"]): PendingDetail[] {
  const details: PendingDetail[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // oneOf/anyOf failures repeat every branch's complaint; keep the summary line and the branch-free ones.
    if (error.schemaPath.includes("/oneOf/") || error.schemaPath.includes("/anyOf/")) continue;
    let field = error.instancePath
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "required")
      field = field ? `${field}.${params.missingProperty}` : String(params.missingProperty);
    if (error.keyword === "additionalProperties") {
      field = field ? `${field}.${params.additionalProperty}` : String(params.additionalProperty);
    }
    const name = field || location;
    const rule = error.keyword;
    const key = `${name}|${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Batch bodies (ingest) name the offending record by its index as well.
    const record = /^\/records\/(\d+)/.exec(error.instancePath);
    details.push({
      location,
      field: name,
      rule,
      ...(record ? { index: Number(record[1]) } : {}),
      ...ruleMessage(rule, name, params),
    });
  }
  return details;
}

function ruleMessage(
  rule: string,
  field: string,
  params: Record<string, unknown>,
): Pick<PendingDetail, "messageKey" | "params"> {
  switch (rule) {
    case "required":
    case "additionalProperties":
    case "oneOf":
    case "anyOf":
      return { messageKey: `rule.${rule}`, params: { field } };
    case "type":
      return { messageKey: "rule.type", params: { field, type: String(params.type) } };
    case "minLength":
    case "maxLength":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minItems":
    case "maxItems":
      return { messageKey: `rule.${rule}`, params: { field, limit: String(params.limit) } };
    case "pattern":
      return { messageKey: "rule.pattern", params: { field, pattern: String(params.pattern) } };
    case "format":
      return { messageKey: "rule.format", params: { field, format: String(params.format) } };
    case "enum":
      return {
        messageKey: "rule.enum",
        params: { field, values: (params.allowedValues as unknown[]).join(", ") },
      };
    case "const":
      return { messageKey: "rule.const", params: { field, value: JSON.stringify(params.allowedValue) } };
    default:
      return { messageKey: "rule.other", params: { field, rule } };
  }
}
