/**
 * End-to-end throughput of the local pipeline: 1, 10, 100 and 1,000 born-digital reports
 * dropped into the local bucket at once, timed from the first put until every execution
 * has finished, on a fresh stack each (2 executions at a time, as `npm start` runs).
 * The worker is this Node process (handlers, s3rver, the local Step Functions); its peak
 * resident set is sampled every 50 ms. DynamoDB Local runs in its own JVM, not counted.
 * Each stack first processes a few warm-up reports (untimed), so a fresh JVM's and module
 * loader's first calls are not charged to the small batches.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { startLocalStack } from "../../local/stack.ts";
import { countRecords, generateLoadReports, runLoad } from "../batch/load.ts";

const SIZES = [1, 10, 100, 1000] as const;
const MB = 2 ** 20;
const WARM_UP = 5;

export async function benchPipeline(): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  for (const size of SIZES) {
    const dataDir = await mkdtemp(join(tmpdir(), "nianbao-bench-"));
    const stack = await startLocalStack({ dataDir, port: 0, concurrency: 2 });
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: stack.s3Endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    try {
      await runLoad(stack, s3, generateLoadReports(WARM_UP, 7).map((r) => ({ ...r, key: `warm-up/${r.key}` })));
      const reports = generateLoadReports(size, 1000 + size);
      const before = process.memoryUsage().rss;
      const run = await runLoad(stack, s3, reports);
      const count = await countRecords(stack);
      rows.push({
        drops: size,
        "wall s": Number(run.seconds.toFixed(2)),
        "reports/s": Number((size / run.seconds).toFixed(1)),
        records: count.records - WARM_UP,
        "worker RSS before MB": Math.round(before / MB),
        "worker RSS peak MB": Math.round(run.peakRssBytes / MB),
      });
    } finally {
      s3.destroy();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}
