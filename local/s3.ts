/**
 * s3rver as the local S3 API, storing objects under the data folder. Its in-process
 * object events stand in for S3 event notifications.
 */
import { createRequire } from "node:module";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

const require = createRequire(import.meta.url);

type KoaContext = { path: string; status: number; body: unknown; set(name: string, value: string): void };
type S3rverInstance = {
  /** s3rver is a Koa application: its middleware runs in this order. */
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: "event", listener: (event: unknown) => void): void;
  httpServer?: Server;
};
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const S3rver = require("s3rver") as S3rverConstructor;

export type LocalS3 = {
  endpoint: string;
  /** Calls `listener` with each S3 notification event (`{ Records: [...] }`) for created objects. */
  onObjectCreated(listener: (event: unknown) => void): void;
  stop: () => Promise<void>;
};

/** Whether a request path (decoded, `/bucket/key`) names a key that could escape the bucket's folder. */
export function isUnsafeObjectPath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.includes("\\") || decoded.includes("\0") || decoded.split("/").some((segment) => segment === ".." || segment === ".");
}

/** Starts s3rver on a free port with `buckets` created, storing objects in `dir`. */
export async function startLocalS3(dir: string, buckets: readonly string[]): Promise<LocalS3> {
  await mkdir(dir, { recursive: true });
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory: dir,
    silent: true,
    resetOnClose: false,
    // Keys are paths: no virtual-host bucket names on 127.0.0.1.
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  // s3rver writes each object to <dir>/<bucket>/<key>: a key with a `..` segment, a backslash
  // or a NUL would name a file outside the data folder. S3 itself allows such keys; this
  // stand-in refuses them first, before any of s3rver's own middleware sees the request.
  server.middleware.unshift(async function refuseUnsafeKeys(ctx, next) {
    if (isUnsafeObjectPath(ctx.path)) {
      ctx.status = 400;
      ctx.set("content-type", "application/xml");
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>object keys with "..", "\\" or NUL are refused by the local S3</Message></Error>`;
      return;
    }
    await next();
  });
  const address = await server.run();
  const listeners: ((event: unknown) => void)[] = [];
  server.on("event", (event) => {
    // s3rver leaves keys raw; S3 notifications URL-encode them (spaces as '+'): do the same,
    // so the ingest handler decodes exactly what it decodes in the cloud.
    const records = (event as { Records?: { eventName?: string; s3?: { object?: { key?: string } } }[] }).Records ?? [];
    for (const record of records) {
      const object = record.s3?.object;
      if (object?.key !== undefined) {
        object.key = encodeURIComponent(object.key).replace(/%20/g, "+").replace(/%2F/g, "/");
      }
    }
    if (!records.some((r) => r.eventName?.startsWith("ObjectCreated:"))) return;
    for (const listener of listeners) listener(event);
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    onObjectCreated: (listener) => listeners.push(listener),
    stop: async () => {
      // close() waits for keep-alive sockets; drop them so shutdown is prompt.
      (server.httpServer as (Server & { closeAllConnections?: () => void }) | undefined)?.closeAllConnections?.();
      await server.close().catch(() => undefined);
    },
  };
}
