/**
 * Starts the local stack (local/stack.ts) in a fresh temporary folder on free ports for a
 * test file, and removes it afterwards; `restart` stops it and starts it again on the same
 * folder (what a user's Ctrl-C and `npm start` do).
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

export type TestStack = {
  stack: LocalStack;
  dataDir: string;
  s3: S3Client;
  /** Stops the stack, keeps its folder, starts it again there (with these options instead). */
  restart(options?: Omit<LocalStackOptions, "dataDir" | "port">): Promise<void>;
  stop(): Promise<void>;
};

function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** `options` go to startLocalStack (faults, settings, adapter wrappers); the folder and port are the helper's. */
export async function startTestStack(prefix = "nianbao-test-", options: Omit<LocalStackOptions, "dataDir" | "port"> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const stack = await startLocalStack({ ...options, dataDir, port: 0 });
  const test: TestStack = {
    stack,
    dataDir,
    s3: localS3Client(stack.s3Endpoint),
    async restart(again = options) {
      test.s3.destroy();
      await test.stack.stop();
      test.stack = await startLocalStack({ ...again, dataDir, port: 0 });
      test.s3 = localS3Client(test.stack.s3Endpoint);
    },
    async stop() {
      test.s3.destroy();
      await test.stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
