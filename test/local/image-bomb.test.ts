/**
 * An image bomb dropped into the local stack (a 45-byte PNG declaring 65535×65535 pixels) gives
 * one FAILED record with the reason, the stack keeps serving, and a restart does not crash on it.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { ihdrChunk, PNG_SIGNATURE } from "../documents/helpers/png.ts";

/** A PNG that is only its signature and a header declaring `width`×`height` colour pixels. */
const headerOnlyPng = (width: number, height: number) => new Uint8Array(Buffer.concat([PNG_SIGNATURE, ihdrChunk(width, height, 8, 2)]));

let local: TestStack | undefined;
afterAll(async () => {
  await local?.stop();
});

describe("an image bomb on the local stack", () => {
  it("is one FAILED record with its reason; the stack keeps serving and restarts cleanly", async () => {
    const bomb = headerOnlyPng(65535, 65535);
    expect(bomb.length).toBeLessThan(50);
    local = await startTestStack("nianbao-bomb-");
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/bomb.png", Body: bomb }));
    await local.stack.idle();
    const report = (await (await fetch(`${local.stack.apiUrl}/reports/${hashBytes(bomb)}`)).json()) as { status: string; failure?: { cause: string } };
    expect(report.status).toBe("FAILED");
    expect(report.failure?.cause).toMatch(/65535×65535/);
    expect((await fetch(`${local.stack.apiUrl}/template`)).status).toBe(200);

    await local.restart();
    expect(local.stack.reconciled).toBe(0);
    expect((await fetch(`${local.stack.apiUrl}/reports?status=FAILED`)).status).toBe(200);
  }, 120_000);
});
