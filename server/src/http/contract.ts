import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import type { PendingDetail } from "../domain/errors.js";
import { nestsDeeperThan, tooDeeplyNested } from "./input-limits.js";

/** The contract: openapi/segmento.yaml, read once. Everything the router does is derived from it. */
export const SPEC_PATH = fileURLToPath(new URL("../../../openapi/segmento.yaml", import.meta.url));

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type HttpMethod = (typeof METHODS)[number];
export type Surface = "gateway" | "engine" | "auth";

interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  /** The JSON Pointer of its schema. */
  pointer: string;
  /** Declared as `content: application/json`: the value is a JSON document, parsed then checked whole. */
  json: boolean;
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

  /**
   * Validates (and, for path/query/header, coerces in place) one request part. A JSON-content parameter is
   * parsed in place (after a depth check) and validated without coercion, like a body.
   */
  validateParameters(
    op: OperationSpec,
    location: "path" | "query" | "header",
    values: Json,
  ): PendingDetail[] {
    const params = op.parameters.filter((p) => p.in === location);
    const keyOf = (p: ParameterSpec) => (location === "header" ? p.name.toLowerCase() : p.name);
    const plain = params.filter((p) => !p.json);
    const key = `${op.id}:${location}`;
    let validate = this.cache.get(key);
    if (!validate) {
      const properties: Json = {};
      // JSON-content parameters are checked on their own, once parsed (jsonParameter).
      for (const p of params) properties[keyOf(p)] = p.json ? true : { $ref: `spec${p.pointer}` };
      validate = this.coercingAjv.compile({
        type: "object",
        properties,
        required: plain.filter((p) => p.required).map(keyOf),
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
    const details = validate(values) ? [] : toDetails(validate.errors ?? [], location);
    for (const p of params.filter((p) => p.json)) details.push(...this.jsonParameter(p, location, values));
    return details;
  }

  private jsonParameter(
    p: ParameterSpec,
    location: PendingDetail["location"],
    values: Json,
  ): PendingDetail[] {
    const name = location === "header" ? p.name.toLowerCase() : p.name;
    const raw = values[name];
    if (raw === undefined) return p.required ? [requiredDetail(location, p.name)] : [];
    const invalid = (reason: string): PendingDetail[] => [
      {
        location,
        field: p.name,
        rule: "format",
        messageKey: "rule.format",
        params: { field: p.name, format: `JSON document (${reason})` },
      },
    ];
    if (typeof raw !== "string") return invalid("given more than once");
    if (nestsDeeperThan(raw)) throw tooDeeplyNested(location, p.name);
    try {
      values[name] = JSON.parse(raw);
    } catch (error) {
      return invalid((error as Error).message);
    }
    const validate = this.compile(p.pointer);
    return validate(values[name]) ? [] : toDetails(validate.errors ?? [], location, p.name);
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
    const json = value.schema === undefined && value.content !== undefined;
    if (json && !(value.content as Json)["application/json"])
      throw new Error(`Parameter ${String(value.name)} at ${at}: only application/json content is supported`);
    return {
      name: String(value.name),
      in: value.in as ParameterSpec["in"],
      required: value.required === true,
      pointer: json ? `${at}/content/application~1json/schema` : `${at}/schema`,
      json,
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

/** The detail for a missing required value. */
export function requiredDetail(location: PendingDetail["location"], field: string): PendingDetail {
  return { location, field, rule: "required", messageKey: "rule.required", params: { field } };
}

/**
 * Turns ajv's errors into our details: a field path people read (`records[3].amount`, `filters[1].op` under
 * `prefix`) and a rule name.
 */
function toDetails(errors: ErrorObject[], location: PendingDetail["location"], prefix = ""): PendingDetail[] {
  const details: PendingDetail[] = [];
  const seen = new Set<string>();
  for (const error of withoutBranchNoise(errors)) {
    let field = error.instancePath
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), prefix);
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

/**
 * oneOf/anyOf failures repeat every branch's complaint. At the failing node itself those complaints are noise
 * (a condition is told it lacks `any`, a group that it lacks `field`): drop them. A complaint deeper inside
 * (`filters[0].op` not in the enum, `rules[0].any` empty) says what is wrong and is kept; the summary line
 * (`does not match exactly one of the allowed shapes`) only when nothing deeper explains it.
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = new Set(
    errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf").map((e) => e.instancePath),
  );
  const deeper = (path: string) => errors.some((e) => e.instancePath.startsWith(`${path}/`));
  return errors.filter((error) => {
    if (error.schemaPath.includes("/oneOf/") || error.schemaPath.includes("/anyOf/")) return false;
    if (!alternatives.has(error.instancePath)) return true;
    if (error.keyword === "oneOf" || error.keyword === "anyOf") return !deeper(error.instancePath);
    return false;
  });
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
