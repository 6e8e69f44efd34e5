/** The local S3 keeps every object inside its data folder: keys that could escape it are refused. */
import { request } from "node:http";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUnsafeObjectPath, startLocalS3, type LocalS3 } from "../../local/s3.ts";

let root: string;
let s3: LocalS3;
let client: S3Client;
const created: unknown[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nianbao-s3-"));
  s3 = await startLocalS3(join(root, "data", "s3"), ["bucket"]);
  s3.onObjectCreated((event) => created.push(event));
  client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A PUT with the path exactly as given (no client-side normalisation of dot segments). */
function rawPut(path: string): Promise<number> {
  const url = new URL(s3.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: "PUT", path, headers: { "content-length": 2 } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end("hi");
  });
}

describe("local S3 object keys", () => {
  it("tells keys that could leave the bucket's folder", () => {
    for (const path of ["/bucket/../x", "/bucket/a/%2e%2e/%2e%2e/x", "/bucket/a\\..\\x", "/bucket/a%00b", "/bucket/%E0%A4%A"]) expect(isUnsafeObjectPath(path), path).toBe(true);
    for (const path of ["/bucket/incoming/报告.pdf", "/bucket/a..b/c", "/bucket/incoming/x%20y.txt"]) expect(isUnsafeObjectPath(path), path).toBe(false);
  });

  it("refuses a `..` key with 400, writes nothing outside the data folder and emits no event", async () => {
    const before = created.length;
    expect(await rawPut("/bucket/../../escape.txt")).toBe(400);
    expect(await rawPut("/bucket/..%2F..%2Fescape.txt")).toBe(400);
    expect(await rawPut("/bucket/a%5C..%5C..%5Cescape.txt")).toBe(400);
    expect(await readdir(join(root, "data"))).toEqual(["s3"]);
    expect(await readdir(root)).toEqual(["data"]);
    expect(created.length).toBe(before);
  });

  it("still stores ordinary keys", async () => {
    await client.send(new PutObjectCommand({ Bucket: "bucket", Key: "incoming/报告 2023.txt", Body: "x" }));
    expect(created.length).toBeGreaterThan(0);
  });
});
