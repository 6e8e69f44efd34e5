/**
 * Starts the local stack (local/stack.ts) in a fresh temporary folder on free ports for a
 * test file, and removes it afterwards.
 *
 * @example
 * const local = await startTestStack();
 * const res = await fetch(`${local.stack.apiUrl}/reports`);
 * await local.stop();
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../../local/stack.ts";

export type TestStack = { stack: LocalStack; dataDir: string; s3: S3Client; stop(): Promise<void> };

/** `options` go to startLocalStack (faults, settings, adapter wrappers); the folder and port are the helper's. */
export async function startTestStack(prefix = "nianbao-test-", options: Omit<LocalStackOptions, "dataDir" | "port"> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const stack = await startLocalStack({ ...options, dataDir, port: 0 });
  const s3 = new S3Client({
    region: "us-east-1",
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    stack,
    dataDir,
    s3,
    async stop() {
      s3.destroy();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
