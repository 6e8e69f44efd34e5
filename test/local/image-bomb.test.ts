/**
 * An image bomb dropped into the local stack (a 45-byte PNG declaring 65535×65535 pixels) gives
 * one FAILED record with the reason, the stack keeps serving, and a restart does not crash on it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { startLocalStack } from "../../local/stack.ts";
import { ihdrChunk, PNG_SIGNATURE } from "../documents/helpers/png.ts";

/** A PNG that is only its signature and a header declaring `width`×`height` colour pixels. */
const headerOnlyPng = (width: number, height: number) => new Uint8Array(Buffer.concat([PNG_SIGNATURE, ihdrChunk(width, height, 8, 2)]));

let dataDir: string;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("an image bomb on the local stack", () => {
  it("is one FAILED record with its reason; the stack keeps serving and restarts cleanly", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "nianbao-bomb-"));
    const bomb = headerOnlyPng(65535, 65535);
    expect(bomb.length).toBeLessThan(50);
    let stack = await startLocalStack({ dataDir, port: 0 });
    const s3 = new S3Client({ region: "us-east-1", endpoint: stack.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    try {
      await s3.send(new PutObjectCommand({ Bucket: stack.ingestBucket, Key: "incoming/bomb.png", Body: bomb }));
      await stack.idle();
      const report = (await (await fetch(`${stack.apiUrl}/reports/${hashBytes(bomb)}`)).json()) as { status: string; failure?: { cause: string } };
      expect(report.status).toBe("FAILED");
      expect(report.failure?.cause).toMatch(/65535×65535/);
      expect((await fetch(`${stack.apiUrl}/template`)).status).toBe(200);
    } finally {
      s3.destroy();
      await stack.stop();
    }
    stack = await startLocalStack({ dataDir, port: 0 });
    try {
      expect(stack.reconciled).toBe(0);
      expect((await fetch(`${stack.apiUrl}/reports?status=FAILED`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
