/**
 * Load on the local stack (loopback only, bounded): N born-digital reports dropped at once
 * become N records — none lost, none twice — and the same N dropped again leave N records.
 * N is 150 here so `npm test` stays fast on two cores; `npm run bench` runs 1,000
 * (test/bench/pipeline.bench.ts), and NIANBAO_LOAD_COUNT=1000 runs this test at that size.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { countRecords, generateLoadReports, runLoad, type LoadReport } from "./load.ts";

const COUNT = Number(process.env.NIANBAO_LOAD_COUNT ?? 150);

let local: TestStack;
let stack: LocalStack;
let s3: S3Client;
let dataDir: string;
let reports: LoadReport[];

async function executionCount(): Promise<number> {
  const log = await readFile(join(dataDir, "executions.log"), "utf8").catch(() => "");
  return log.split("\n").filter(Boolean).length;
}

beforeAll(async () => {
  local = await startTestStack("nianbao-load-", { concurrency: 2 });
  ({ stack, s3, dataDir } = local);
  reports = generateLoadReports(COUNT);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe(`${COUNT} reports dropped at once`, () => {
  it("become exactly one record each: none lost, none twice", async () => {
    // Prepare
    expect(new Set(reports.map((r) => r.id)).size).toBe(COUNT);

    // Act
    const run = await runLoad(stack, s3, reports);
    console.log(`load: ${COUNT} reports in ${run.seconds.toFixed(1)} s (${(COUNT / run.seconds).toFixed(1)} reports/s), peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB`);

    // Assess
    const count = await countRecords(stack);
    expect(count.records).toBe(COUNT);
    expect([...count.ids].sort()).toEqual(reports.map((r) => r.id).sort());
    expect(count.sourcesPerRecord.every((n) => n === 1)).toBe(true);
    expect(count.statuses.FAILED ?? 0).toBe(0);
    expect(await executionCount()).toBe(COUNT);
  }, 600_000);

  it("still make the same records when all of them are dropped again", async () => {
    // Act
    const run = await runLoad(stack, s3, reports);
    console.log(`load again: ${COUNT} reports in ${run.seconds.toFixed(1)} s`);

    // Assess: every object ran again, and nothing changed in the table
    expect(await executionCount()).toBe(2 * COUNT);
    const count = await countRecords(stack);
    expect(count.records).toBe(COUNT);
    expect(count.ids.size).toBe(COUNT);
    expect(count.sourcesPerRecord.every((n) => n === 1)).toBe(true);
  }, 600_000);
});
