import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Where raw files live. A local directory by default; anything with these three verbs can replace it. */
export interface FileStore {
  /** Stores content under `key` atomically (readers never see half a file). */
  write(key: string, content: Readable | Buffer | string): Promise<{ sizeBytes: number }>;
  read(key: string): Readable;
  remove(key: string): Promise<void>;
}

/**
 * Files under one directory. Workers on other machines need the same directory (a shared volume); the keys are
 * relative paths like `<projectId>/<fileId>.csv`.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async write(key: string, content: Readable | Buffer | string): Promise<{ sizeBytes: number }> {
    const target = this.resolve(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    try {
      await pipeline(
        typeof content === "string" || Buffer.isBuffer(content) ? Readable.from([content]) : content,
        createWriteStream(partial),
      );
      await fs.rename(partial, target);
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
    return { sizeBytes: (await fs.stat(target)).size };
  }

  read(key: string): Readable {
    return createReadStream(this.resolve(key));
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.resolve(key), { force: true });
  }

  private resolve(key: string): string {
    const target = path.resolve(this.root, key);
    // Keys are built by us, but a store must never be a way out of its directory.
    if (!target.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`file key escapes the store: ${key}`);
    return target;
  }
}
