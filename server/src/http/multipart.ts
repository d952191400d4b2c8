import type { Readable } from "node:stream";
import busboy from "busboy";
import type { Request } from "express";
import { DomainError, type PendingDetail } from "../domain/errors.js";
import { nulCharacters } from "./input-limits.js";

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
 * 400 naming its Content-Type; a broken one is a 400 too, and so is a NUL character in the file's name or a
 * field (the stored file is then discarded).
 */
export function receiveFile<Stored>(
  req: Request,
  limits: { maxFileBytes: number },
  destination: {
    store: (stream: Readable, filename: string) => Promise<Stored>;
    discard: (stored: Stored) => Promise<void>;
  },
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
    // No prototype: a field named "__proto__" or "constructor" is just a field.
    const fields: Record<string, string> = Object.create(null);
    const problems: PendingDetail[] = [];
    let received: Promise<ReceivedUpload<Stored>> | undefined;
    parser.on("field", (name, value) => {
      problems.push(...nulCharacters({ [name]: value }, "body"));
      fields[name] = value;
    });
    parser.on("file", (name, stream: Readable, info) => {
      const filename = info.filename || "upload";
      if (filename.includes("\u0000")) problems.push(...nulCharacters({ file: filename }, "body"));
      if (name !== "file" || received || problems.length > 0) {
        stream.resume();
        return;
      }
      let truncated = false;
      stream.on("limit", () => {
        truncated = true;
      });
      received = destination
        .store(stream, filename)
        .then((stored) => ({ filename, stored, truncated, fields }));
    });
    parser.on("error", (error: Error) =>
      reject(new DomainError("invalid", "validation_failed", "upload_malformed", { reason: error.message })),
    );
    parser.on("close", () => {
      if (problems.length > 0) {
        const refuse = () =>
          reject(
            new DomainError(
              "invalid",
              "validation_failed",
              "validation_failed",
              { summary: problems[0]!.field },
              { details: problems.slice(0, 20), errorCount: problems.length },
            ),
          );
        if (!received) refuse();
        else received.then((upload) => destination.discard(upload.stored)).then(refuse, reject);
      } else if (!received) resolve(undefined);
      else received.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
