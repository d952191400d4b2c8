import type { Knex } from "knex";
import { dropEmptyEmbeddingPartition } from "../../db/customer-embeddings.js";
import { storageKeysOfProject } from "../../db/files.js";
import { countProjectRows, deleteProject, purgeProjectChunk } from "../../db/projects.js";
import type { FileStore } from "../../storage/file-store.js";
import type { Progress, StepOutcome } from "../pipeline/progress.js";

const CHUNK = 20_000;

export interface ProjectDeleteResult {
  project_id: string;
  rows_deleted: number;
  files_deleted: number;
}

/**
 * Deletes a project marked `deleting`: its bulk data in short chunks (each its own transaction), its stored
 * files, its (now empty) embeddings partition, then the project row, whose cascade takes the small tables. Safe to run again after a crash: every
 * step deletes only what is still there.
 */
export async function deleteProjectData(
  deps: { db: Knex; files: FileStore },
  projectId: string,
  report: Progress,
): Promise<StepOutcome<ProjectDeleteResult>> {
  const total = Math.max(1, await countProjectRows(deps.db, projectId));
  let rows = 0;
  for (;;) {
    const deleted = await purgeProjectChunk(deps.db, projectId, CHUNK);
    if (deleted === 0) break;
    rows += deleted;
    await report(
      (rows / total) * 95,
      `Deleted ${rows.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows`,
    );
  }
  const keys = await storageKeysOfProject(deps.db, projectId);
  for (const key of keys.flat()) await deps.files.remove(key);
  await dropEmptyEmbeddingPartition(deps.db, projectId);
  await deleteProject(deps.db, projectId);
  return {
    status: "completed",
    result: { project_id: projectId, rows_deleted: rows, files_deleted: keys.length },
    message: `Deleted the project: ${rows.toLocaleString("en-US")} rows and ${keys.length} files`,
  };
}
