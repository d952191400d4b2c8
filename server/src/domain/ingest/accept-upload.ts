import { randomUUID } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import type { Knex } from "knex";
import type { ProjectRow } from "../../db/projects.js";
import type { DateOrder } from "../../ingest/dates.js";
import { detectFormat, IngestFormatError } from "../../ingest/read-rows.js";
import type { JobScheduler } from "../../queue/scheduler.js";
import type { FileStore } from "../../storage/file-store.js";
import { DomainError, type PendingDetail } from "../errors.js";
import { readFileRows, UnreadableFileError } from "./file-rows.js";
import { type Accepted, queueIngest, removeStoredFile } from "./queue-ingest.js";
import { inChunks, stagedRow } from "./staged-rows.js";

const MAX_LISTED = 20;

/** An upload as the HTTP layer received it: its file stored under `storageKey`, its form fields. */
export interface UploadedFile {
  fileId: string;
  name: string;
  storageKey: string;
  sizeBytes: number;
  /** Cut at the upload limit. */
  truncated: boolean;
  fields: Record<string, string>;
}

export interface UploadDeps {
  db: Knex;
  files: FileStore;
  jobs: JobScheduler;
  uploadLimitBytes: number;
}

/** Where an upload's file goes while it streams in: a fresh file id and a storage key under the project. */
export function uploadDestination(files: FileStore, projectId: string) {
  const fileId = randomUUID();
  return {
    fileId,
    async store(stream: Readable, filename: string) {
      const extension = path.extname(filename).toLowerCase().slice(0, 8);
      const storageKey = `${projectId}/${fileId}${extension || ".bin"}`;
      const { sizeBytes } = await files.write(storageKey, stream);
      return { storageKey, sizeBytes };
    },
    discard: ({ storageKey }: { storageKey: string }) => files.remove(storageKey),
  };
}

/**
 * The file's format, told from its name and first bytes, and the whole file as a stream again (those bytes
 * included): the file is opened and read once.
 */
async function sniffFormat(name: string, stream: Readable) {
  const chunks = stream[Symbol.asyncIterator]();
  const first = await chunks.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  const whole = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
    })(),
  );
  return { format: detectFormat(name, head.subarray(0, 16)), whole };
}

/**
 * `POST /api/projects/{projectId}/files`: the file is streamed to the store as received (never held in
 * memory), then read once: its format sniffed from the first bytes, its columns mapped, every row normalized
 * into the staged rows the ingest job will COPY. Bad rows refuse the upload with their line numbers, unless
 * `skipInvalidRows` asks to skip and count them. Then it is queued like API data.
 */
export async function acceptUpload(
  deps: UploadDeps,
  project: ProjectRow,
  received: UploadedFile | undefined,
): Promise<Accepted> {
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
  const stagedKey = `${received.storageKey}.rows`;
  const discard = () => removeStoredFile(deps.files, { ...received, staged: { key: stagedKey } });
  try {
    if (received.truncated) {
      throw new DomainError("too_large", "payload_too_large", "payload_too_large", {
        limit: deps.uploadLimitBytes,
      });
    }
    const { format, whole } = await sniffFormat(received.name, deps.files.read(received.storageKey));
    if (!format) {
      whole.destroy();
      throw new DomainError("unsupported_media_type", "unsupported_media_type", "unsupported_media_type", {
        type: path.extname(received.name) || received.name,
        expected: "a CSV (.csv) or Excel (.xlsx) file",
      });
    }
    const options = parseOptions(received.fields, format);
    const details: PendingDetail[] = [];
    let rows = 0;
    let invalid = 0;
    let dateOrder: DateOrder = "YMD";
    const customerKeys = new Set<string>();
    const staged = async function* () {
      const found = (order: DateOrder) => {
        dateOrder = order;
      };
      for await (const row of readFileRows(whole, options, found)) {
        if (!row.problems) {
          rows += 1;
          if (row.row.kind === "purchase") customerKeys.add(row.row.customerKey);
          yield stagedRow(row.line, row.row);
          continue;
        }
        invalid += 1;
        for (const problem of row.problems) {
          if (details.length < MAX_LISTED)
            details.push({ ...problem, location: "body", field: `line ${row.line}: ${problem.field}` });
        }
      }
    };
    const { sizeBytes: stagedBytes } = await deps.files.write(stagedKey, inChunks(staged()));
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
    return await queueIngest(
      deps,
      {
        projectId: project.id,
        fileId: received.fileId,
        name: received.name,
        source: "upload",
        format,
        storageKey: received.storageKey,
        sizeBytes: received.sizeBytes,
        staged: { key: stagedKey, bytes: stagedBytes, skippedRows: invalid },
        options: {
          mapping: options.mapping,
          delimiter: options.delimiter,
          skipInvalidRows: options.skipInvalidRows,
          dateOrder,
        },
        quota: { organizationId: project.organization_id, rows, customerKeys },
      },
      { open: false },
    );
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
