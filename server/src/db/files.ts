import type { Knex } from "knex";

export type FileStatus = "pending" | "processing" | "completed" | "failed";

/** The files table: every batch of data, uploaded or sent through the ingest API. */
export interface FileRow {
  id: string;
  project_id: string;
  name: string;
  source: "upload" | "api";
  format: "csv" | "xlsx";
  storage_key: string;
  size_bytes: number;
  /** Where the file's staged rows are (null for a file accepted before they existed). */
  rows_key: string | null;
  rows_bytes: number | null;
  row_count: number | null;
  skipped_rows: number;
  status: FileStatus;
  error_message: string | null;
  job_id: string | null;
  batch_id: string | null;
  options: FileOptions;
  created_at: Date;
  updated_at: Date;
}

export interface FileOptions {
  /** An explicit column mapping (uploads). */
  mapping?: Record<string, string>;
  delimiter?: string;
  skipInvalidRows?: boolean;
  /** How slash dates of this file read (detected at upload): month first, day first, or ISO. */
  dateOrder?: "MDY" | "DMY" | "YMD";
}

export async function insertFile(
  db: Knex,
  file: Pick<
    FileRow,
    | "id"
    | "project_id"
    | "name"
    | "source"
    | "format"
    | "storage_key"
    | "size_bytes"
    | "rows_key"
    | "rows_bytes"
    | "skipped_rows"
    | "job_id"
  > & {
    batch_id?: string | null;
    options?: FileOptions;
  },
): Promise<void> {
  await db("files").insert({ ...file, options: JSON.stringify(file.options ?? {}) });
}

export function findFile(db: Knex, fileId: string): Promise<FileRow | undefined> {
  return db("files").where({ id: fileId }).first();
}

export function findFileByBatch(db: Knex, projectId: string, batchId: string): Promise<FileRow | undefined> {
  return db("files").where({ project_id: projectId, batch_id: batchId }).first();
}

export async function listFiles(
  db: Knex,
  projectId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: FileRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db("files")
      .where({ project_id: projectId })
      .orderBy("created_at", "desc")
      .limit(page.limit)
      .offset(page.offset),
    db("files").where({ project_id: projectId }).count<{ count: number }[]>({ count: "*" }),
  ]);
  return { rows, total: Number(count[0]?.count ?? 0) };
}

export async function updateFile(
  db: Knex,
  fileId: string,
  changes: Partial<Pick<FileRow, "status" | "row_count" | "skipped_rows" | "error_message">>,
): Promise<void> {
  await db("files")
    .where({ id: fileId })
    .update({ ...changes, updated_at: db.fn.now() });
}

/** Usage of an organization: rows of completed files and bytes of all files (the quotas' "rows" and "storage"). */
export async function organizationFileUsage(
  db: Knex,
  organizationId: string,
): Promise<{ rows: number; bytes: number }> {
  const row = await db("files as f")
    .join("projects as p", "p.id", "f.project_id")
    .where("p.organization_id", organizationId)
    .first(
      db.raw(
        "coalesce(sum(case when f.status = 'completed' then f.row_count else 0 end), 0)::bigint as rows",
      ),
      db.raw("coalesce(sum(f.size_bytes), 0)::bigint as bytes"),
    );
  return { rows: Number(row?.rows ?? 0), bytes: Number(row?.bytes ?? 0) };
}

export async function deleteFileRow(db: Knex, fileId: string): Promise<void> {
  await db("files").where({ id: fileId }).delete();
}

/** Where each file of a project is stored, as received and its staged rows (to remove them with the project). */
export async function storageKeysOfProject(db: Knex, projectId: string): Promise<string[][]> {
  const rows: { storage_key: string; rows_key: string | null }[] = await db("files")
    .where({ project_id: projectId })
    .select("storage_key", "rows_key");
  return rows.map((row) => [...new Set([row.storage_key, row.rows_key ?? row.storage_key])]);
}
