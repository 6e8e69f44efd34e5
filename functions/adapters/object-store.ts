/**
 * The object store: originals in the ingest bucket, derived artifacts (the extracted
 * document, the parsed record) in the artifacts bucket. Originals are never deleted
 * or overwritten; artifacts are keyed by report id, so writing one again is harmless.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { UnreadableDocumentError } from "../shared/errors.ts";
import { rethrowClassified } from "../shared/transient.ts";

export type ObjectInfo = { key: string; size: number; eTag?: string };

export interface ObjectStore {
  /** The object's bytes; `UnreadableDocumentError` when it does not exist. */
  getBytes(bucket: string, key: string): Promise<Uint8Array>;
  getJson<T = unknown>(bucket: string, key: string): Promise<T>;
  /** Writes a derived artifact (JSON). */
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
  /**
   * Puts an original report unless the key is taken: returns "exists" without writing
   * when an object is already there (originals are immutable).
   */
  putOriginal(bucket: string, key: string, body: Uint8Array, contentType?: string): Promise<"created" | "exists">;
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** SHA-256 hex of the object's bytes, streamed (an object too big to read still gets its id). */
  hash?(bucket: string, key: string): Promise<string>;
  list(bucket: string, prefix?: string): Promise<ObjectInfo[]>;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "PreconditionFailed" || e?.$metadata?.httpStatusCode === 412;
}

/**
 * An `ObjectStore` over the S3 API (AWS S3 or s3rver).
 *
 * @example
 * const store = createS3ObjectStore(createS3Client(readConfig()));
 * const bytes = await store.getBytes("nianbao-ingest", "incoming/report.txt");
 */
export function createS3ObjectStore(client: S3Client): ObjectStore {
  async function head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, ...(out.ETag ? { eTag: out.ETag } : {}) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      return rethrowClassified(error, `head s3://${bucket}/${key}`);
    }
  }

  async function getBytes(bucket: string, key: string): Promise<Uint8Array> {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) {
        throw new UnreadableDocumentError(`s3://${bucket}/${key} does not exist`, { cause: error });
      }
      return rethrowClassified(error, `get s3://${bucket}/${key}`);
    }
  }

  async function hash(bucket: string, key: string): Promise<string> {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const digest = createHash("sha256");
      if (out.Body) for await (const chunk of out.Body as Readable) digest.update(chunk as Uint8Array);
      return digest.digest("hex");
    } catch (error) {
      if (isNotFound(error)) {
        throw new UnreadableDocumentError(`s3://${bucket}/${key} does not exist`, { cause: error });
      }
      return rethrowClassified(error, `hash s3://${bucket}/${key}`);
    }
  }

  return {
    head,
    getBytes,
    hash,
    async getJson<T>(bucket: string, key: string): Promise<T> {
      const bytes = await getBytes(bucket, key);
      return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
    },
    async putJson(bucket, key, value) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: JSON.stringify(value),
            ContentType: "application/json; charset=utf-8",
          }),
        );
      } catch (error) {
        rethrowClassified(error, `put s3://${bucket}/${key}`);
      }
    },
    async putOriginal(bucket, key, body, contentType) {
      // The head check covers stores without conditional writes (s3rver);
      // IfNoneMatch closes the race on AWS S3.
      if (await head(bucket, key)) return "exists";
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            IfNoneMatch: "*",
            ...(contentType ? { ContentType: contentType } : {}),
          }),
        );
        return "created";
      } catch (error) {
        if (isPreconditionFailed(error)) return "exists";
        return rethrowClassified(error, `put s3://${bucket}/${key}`);
      }
    },
    async list(bucket, prefix) {
      const items: ObjectInfo[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              ...(prefix ? { Prefix: prefix } : {}),
              ...(token ? { ContinuationToken: token } : {}),
            }),
          );
          for (const o of out.Contents ?? []) {
            if (o.Key) items.push({ key: o.Key, size: o.Size ?? 0, ...(o.ETag ? { eTag: o.ETag } : {}) });
          }
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        rethrowClassified(error, `list s3://${bucket}/${prefix ?? ""}`);
      }
      return items;
    },
  };
}
