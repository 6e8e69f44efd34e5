/**
 * The load run shared by the load test (test/batch/load.test.ts) and the pipeline
 * benchmark (test/bench/pipeline.bench.ts): N born-digital reports rendered from random
 * consistent records, each of another agency (so their bytes differ), dropped into the
 * local bucket at once; then every record is counted through the status index.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { Config } from "../../functions/shared/config.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { TABLE_INDEXES } from "../../functions/shared/table-schema.ts";
import { LOCAL_NAMES, type LocalStack } from "../../local/stack.ts";
import { renderText, TEXT_LAYOUTS } from "../fixtures/render-text.ts";
import { consistentFigures } from "../report/arbitraries.ts";

export type LoadReport = { key: string; bytes: Uint8Array; id: string };

const DIGITS = "零一二三四五六七八九";
/** 123 -> 一二三: agency names stay Han characters, as the metadata reader expects. */
const hanNumber = (n: number) => [...String(n)].map((d) => DIGITS[Number(d)]).join("");

/**
 * `count` distinct reports (random figures, one agency each, the four text layouts in turn).
 *
 * @example
 * const reports = generateLoadReports(150, 7);
 */
export function generateLoadReports(count: number, seed = 20_260_101): LoadReport[] {
  const figures = fc.sample(consistentFigures, { numRuns: count, seed });
  return figures.map((f, i) => {
    const agency = `${hanNumber(i + 1)}号${f.agency}`;
    const text = renderText({ ...f, agency }, TEXT_LAYOUTS[i % TEXT_LAYOUTS.length]!);
    const bytes = new TextEncoder().encode(text);
    return { key: `incoming/load/${f.year}/${String(i).padStart(5, "0")}.txt`, bytes, id: hashBytes(bytes) };
  });
}

/** Puts every report into the bucket, `parallel` at a time (all "at once" for the pipeline). */
export async function dropAll(s3: S3Client, bucket: string, reports: LoadReport[], parallel = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < reports.length) {
      const report = reports[next++]!;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: report.key, Body: report.bytes }));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export type TableCount = { records: number; ids: Set<string>; statuses: Record<string, number>; sourcesPerRecord: number[] };

/** Every record of the table, through the status index, page by page (never a Scan). */
export async function countRecords(stack: LocalStack): Promise<TableCount> {
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint }));
  const ids = new Set<string>();
  const statuses: Record<string, number> = {};
  const sourcesPerRecord: number[] = [];
  let records = 0;
  for (const status of ["VALID", "NEEDS_REVIEW", "FAILED"]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: LOCAL_NAMES.TABLE,
          IndexName: TABLE_INDEXES.BY_STATUS.indexName,
          KeyConditionExpression: "#s = :s",
          ProjectionExpression: "reportId, sources",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": status },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        records++;
        ids.add(String(item.reportId));
        sourcesPerRecord.push((item.sources as unknown[] | undefined)?.length ?? 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  client.destroy();
  return { records, ids, statuses, sourcesPerRecord };
}

export type LoadRun = { seconds: number; peakRssBytes: number };

/** Drops the reports, waits until the stack is idle; wall time from the first put to idle. */
export async function runLoad(stack: LocalStack, s3: S3Client, reports: LoadReport[]): Promise<LoadRun> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  try {
    await dropAll(s3, stack.ingestBucket, reports);
    await stack.idle();
  } finally {
    clearInterval(timer);
  }
  return { seconds: (performance.now() - started) / 1000, peakRssBytes: Math.max(peak, process.memoryUsage().rss) };
}
