/**
 * A CrossYear step that keeps crashing (local fault injection) leaves the stored records as
 * they are: the execution goes on to the notification choice and succeeds, no record turns
 * FAILED and no notification is sent for it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { FaultPlan } from "../../local/faults.ts";
import { breakCarryOver, consistentPair, reportText } from "../support/cross-year-pair.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

let local: TestStack;
const ids: string[] = [];

beforeAll(async () => {
  local = await startTestStack("nianbao-cross-year-fault-", {
    faults: FaultPlan.parse({ crash: [{ step: "cross-year", when: "before", times: 1000 }], retryIntervalMs: 1 }),
  });
  const [first, second] = consistentPair(21, "丁市统计局", 2020);
  for (const figures of [first, breakCarryOver(second, ["total", "naturalPerson"], 2)]) {
    const bytes = new TextEncoder().encode(reportText(figures));
    ids.push(hashBytes(bytes));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${figures.year}.txt`, Body: bytes }));
  }
  await local.stack.idle();
}, 120_000);

afterAll(async () => {
  await local?.stop();
});

describe("a failing CrossYear step", () => {
  it("keeps the stored records and lets the executions succeed", async () => {
    for (const id of ids) {
      const body = (await (await fetch(`${local.stack.apiUrl}/reports/${id}`)).json()) as { status: string; findings: { rule: string }[] };
      expect(body.status).toBe("VALID");
      // Nothing was written by the crashed step.
      expect(body.findings.filter((f) => f.rule.startsWith("crossYear."))).toEqual([]);
    }
    const lines = (await readFile(join(local.dataDir, "executions.log"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.status).toBe("SUCCEEDED");
      expect(JSON.parse(line.output).crossYearError.Error).toBe("Runtime.ExitError");
    }
  });
});
