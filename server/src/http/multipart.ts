import type { Readable } from "node:stream";
import busboy from "busboy";
import type { Request } from "express";
import { DomainError } from "../domain/errors.js";

/** A multipart upload as received: its one file already stored, its small fields in memory. */
export interface ReceivedUpload<Stored> {
  /** The file part's own name (`upload` when the client sent none). */
  filename: string;
  stored: Stored;
  /** The file was cut at `maxFileBytes`. */
  truncated: boolean;
  fields: Record<string, string>;
}

/**
 * Streams a multipart body: the part named `file` straight into `store` (never held in memory), the small text
 * fields into memory. Resolves undefined when there is no file part. A body that is not multipart at all is a
 * 400 naming its Content-Type; a broken one is a 400 too.
 */
export function receiveFile<Stored>(
  req: Request,
  limits: { maxFileBytes: number },
  store: (stream: Readable, filename: string) => Promise<Stored>,
): Promise<ReceivedUpload<Stored> | undefined> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 10, fileSize: limits.maxFileBytes },
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
    let received: Promise<ReceivedUpload<Stored>> | undefined;
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream: Readable, info) => {
      if (name !== "file" || received) {
        stream.resume();
        return;
      }
      const filename = info.filename || "upload";
      let truncated = false;
      stream.on("limit", () => {
        truncated = true;
      });
      received = store(stream, filename).then((stored) => ({ filename, stored, truncated, fields }));
    });
    parser.on("error", (error: Error) =>
      reject(new DomainError("invalid", "validation_failed", "upload_malformed", { reason: error.message })),
    );
    parser.on("close", () => {
      if (!received) resolve(undefined);
      else received.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
