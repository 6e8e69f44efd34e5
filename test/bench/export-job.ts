/**
 * One export job in a process of its own, as its Lambda runs it: `runExport` over the local
 * stack's DynamoDB Local and s3rver. Prints `{ state, written, seconds, cpuSeconds, maxRssMB }`
 * as JSON: wall and CPU time of the export and the process's peak RSS (getrusage's maxrss,
 * start-up included), so the bench measures the export alone, not the stand-ins.
 *
 * usage: node bin/run-ts.mjs test/bench/export-job.ts DYNAMODB_ENDPOINT S3_ENDPOINT JOB_ID
 */
import { Config } from "../../functions/shared/config.ts";
import { buildExportDeps } from "../../functions/steps/10-export/deps.ts";
import { runExport } from "../../functions/steps/10-export/export.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";

const [dynamo, s3, jobId] = process.argv.slice(2);
const config = Config.parse({
  AWS_REGION: LOCAL_NAMES.REGION,
  TABLE_NAME: LOCAL_NAMES.TABLE,
  ARTIFACTS_BUCKET: LOCAL_NAMES.ARTIFACTS_BUCKET,
  DYNAMODB_ENDPOINT: dynamo,
  S3_ENDPOINT: s3,
});
const cpuBefore = process.cpuUsage();
const start = performance.now();
const out = await runExport({ jobId: jobId! }, buildExportDeps(config));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ ...out, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
