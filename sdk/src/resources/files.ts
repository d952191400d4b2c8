import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { nextPageNumber, PagePromise } from "../core/pagination.js";
import { APIResource } from "../internal/resource.js";
import type { Query, Schema } from "../types.js";

export interface FileUpload {
  /** The CSV or XLSX file (a File keeps its name; a Blob is sent as `upload.csv`). */
  file: Blob;
  /** Our field names -> your column names, e.g. `{ customer_id: "CustomerID" }`. */
  mapping?: Record<string, string>;
  /** Skip and count bad rows instead of rejecting the file. */
  skipInvalidRows?: boolean;
  delimiter?: string;
}

export class Files extends APIResource {
  /** Uploads a file of transactions and queues it; track the returned `job_id` with `jobs.watch`. */
  upload(
    projectId: string,
    upload: FileUpload,
    options?: RequestOptions,
  ): APIPromise<Schema<"IngestAccepted">> {
    const form = new FormData();
    form.append("file", upload.file, "name" in upload.file ? String(upload.file.name) : "upload.csv");
    if (upload.mapping) form.append("mapping", JSON.stringify(upload.mapping));
    if (upload.skipInvalidRows !== undefined) form.append("skipInvalidRows", String(upload.skipInvalidRows));
    if (upload.delimiter) form.append("delimiter", upload.delimiter);
    return this.client.request(
      "post",
      "/api/projects/{projectId}/files",
      // The contract types the multipart fields as strings; FormData is what goes out (with its boundary).
      { params: { path: { projectId } }, body: form as never },
      options,
    );
  }

  /** A page of the project's files, newest first; `for await` over it for all of them. */
  list(
    projectId: string,
    query: Query<"listFiles"> = {},
    options?: RequestOptions,
  ): PagePromise<Schema<"FileList">, Schema<"File">> {
    return new PagePromise(
      (page) =>
        this.client.request(
          "get",
          "/api/projects/{projectId}/files",
          { params: { path: { projectId }, query: { ...query, page } } },
          options,
        ),
      (page) => page.files,
      query.page ?? 1,
      nextPageNumber,
    );
  }

  get(fileId: string, options?: RequestOptions): APIPromise<Schema<"File">> {
    return this.client.request("get", "/api/files/{fileId}", { params: { path: { fileId } } }, options);
  }
}
