import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import busboy from "busboy";
import type { Request } from "express";
import { requireIngestQuota } from "../../billing/quotas.js";
import type { AppContext } from "../../context.js";
import type { ProjectRow } from "../../db/projects.js";
import { detectFormat, IngestFormatError } from "../../ingest/read-rows.js";
import { DomainError, type PendingDetail } from "../errors.js";
import { readFileRows, sampleDateOrder, UnreadableFileError } from "./file-rows.js";
import { type Accepted, queueIngest } from "./queue-ingest.js";

const MAX_LISTED = 20;

interface Received {
  name: string;
  storageKey: string;
  sizeBytes: number;
  truncated: boolean;
  fields: Record<string, string>;
}

/** Streams the multipart body: the one file part straight into the file store, the small fields into memory. */
function receive(
  app: AppContext,
  project: ProjectRow,
  fileId: string,
  req: Request,
): Promise<Received | undefined> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 10, fileSize: app.config.uploadLimitBytes },
      });
    } catch {
      reject(
        new DomainError("invalid", "validation_failed", "upload_not_multipart", {
          type: req.get("content-type") ?? "none",
        }),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let stored: Promise<Received> | undefined;
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream: Readable, info) => {
      if (name !== "file" || stored) {
        stream.resume();
        return;
      }
      const extension = path
        .extname(info.filename ?? "")
        .toLowerCase()
        .slice(0, 8);
      const storageKey = `${project.id}/${fileId}${extension || ".bin"}`;
      let truncated = false;
      stream.on("limit", () => {
        truncated = true;
      });
      stored = app.files.write(storageKey, stream).then(({ sizeBytes }) => ({
        name: info.filename || "upload",
        storageKey,
        sizeBytes,
        truncated,
        fields,
      }));
    });
    parser.on("error", reject);
    parser.on("close", () => {
      if (!stored) resolve(undefined);
      else stored.then(resolve, reject);
    });
    req.pipe(parser);
  });
}

async function firstBytes(stream: Readable): Promise<Buffer> {
  for await (const chunk of stream) {
    stream.destroy();
    return Buffer.from(chunk as Buffer).subarray(0, 16);
  }
  return Buffer.alloc(0);
}

/**
 * `POST /api/projects/{projectId}/files`: the file is streamed to the store (never held in memory), then read
 * back to check it: a known format, columns we can map, and every row valid. Bad rows refuse the upload with
 * their line numbers, unless `skipInvalidRows` asks to skip and count them. Then it is queued like API data.
 */
export async function receiveUpload(app: AppContext, project: ProjectRow, req: Request): Promise<Accepted> {
  const fileId = randomUUID();
  const received = await receive(app, project, fileId, req);
  if (!received) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "upload_missing_file",
      {},
      {
        details: [
          {
            location: "body",
            field: "file",
            rule: "required",
            messageKey: "rule.required",
            params: { field: "file" },
          },
        ],
        errorCount: 1,
      },
    );
  }
  const discard = () => app.files.remove(received.storageKey);
  try {
    if (received.truncated) {
      throw new DomainError("too_large", "payload_too_large", "payload_too_large", {
        limit: app.config.uploadLimitBytes,
      });
    }
    const format = detectFormat(received.name, await firstBytes(app.files.read(received.storageKey)));
    if (!format) {
      throw new DomainError("unsupported_media_type", "unsupported_media_type", "unsupported_media_type", {
        type: path.extname(received.name) || received.name,
        expected: "a CSV (.csv) or Excel (.xlsx) file",
      });
    }
    const options = parseOptions(received.fields, format);
    const dateOrder = await sampleDateOrder(app.files.read(received.storageKey), options);
    const details: PendingDetail[] = [];
    let rows = 0;
    let invalid = 0;
    for await (const row of readFileRows(app.files.read(received.storageKey), { ...options, dateOrder })) {
      if (!row.problems) {
        rows += 1;
        continue;
      }
      invalid += 1;
      for (const problem of row.problems) {
        if (details.length < MAX_LISTED)
          details.push({ ...problem, location: "body", field: `line ${row.line}: ${problem.field}` });
      }
    }
    if (invalid > 0 && !options.skipInvalidRows) {
      throw new DomainError(
        "invalid",
        "validation_failed",
        "upload_invalid_rows",
        { count: invalid, total: rows + invalid, file: received.name },
        { details, errorCount: invalid },
      );
    }
    if (rows === 0)
      throw new DomainError("invalid", "validation_failed", "upload_empty", { file: received.name });
    await requireIngestQuota(app.db.knex, project.organization_id, { rows, bytes: received.sizeBytes });
    return await queueIngest(app, {
      projectId: project.id,
      fileId,
      name: received.name,
      source: "upload",
      format,
      storageKey: received.storageKey,
      sizeBytes: received.sizeBytes,
      options: { ...options, dateOrder },
    });
  } catch (error) {
    await discard();
    if (error instanceof UnreadableFileError) {
      throw new DomainError(
        "invalid",
        "validation_failed",
        "upload_unmapped_columns",
        { file: received.name },
        {
          details: error.problems.slice(0, MAX_LISTED).map((p) => ({ ...p, location: "body" as const })),
          errorCount: error.problems.length,
        },
      );
    }
    if (error instanceof IngestFormatError) {
      throw new DomainError("invalid", "validation_failed", error.messageKey, error.params, {
        details: [
          {
            location: "body",
            field: error.line === undefined ? "file" : `line ${error.line}`,
            rule: "format",
            messageKey: error.messageKey,
            params: error.params,
          },
        ],
        errorCount: 1,
      });
    }
    throw error;
  }
}

function parseOptions(fields: Record<string, string>, format: "csv" | "xlsx") {
  let mapping: Record<string, string> | undefined;
  if (fields.mapping) {
    try {
      const parsed: unknown = JSON.parse(fields.mapping);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      mapping = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch (error) {
      throw new DomainError("invalid", "validation_failed", "upload_bad_mapping", {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const delimiter = fields.delimiter === "\\t" ? "\t" : fields.delimiter;
  return {
    format,
    mapping,
    delimiter: delimiter || undefined,
    skipInvalidRows: fields.skipInvalidRows === "true",
  };
}
