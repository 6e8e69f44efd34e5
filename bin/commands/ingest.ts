/**
 * `nianbao ingest FILE|DIR... [--wait] [--endpoint URL]`: drops report files into the
 * running local stack's bucket (progress on stderr) and, with --wait, prints each
 * report's status once its record is stored.
 *
 * The key is `incoming/<file name>`; an original is never overwritten: the same bytes
 * under that key are not uploaded again, other bytes get `incoming/<stem>-<sha8><ext>`.
 */
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import type { ObjectStore } from "../../functions/adapters/object-store.ts";
import { collectFiles, progressBar, writeProgress } from "./files.ts";
import {
  createLocalApiClient,
  createLocalObjectStore,
  describeProblems,
  md5Hex,
  renderTable,
  resolveEndpoint,
  sha256Hex,
  waitForReport,
  type LocalApiClient,
} from "./local-client.ts";

export { collectFiles } from "./files.ts";

export type Upload = { file: string; key: string; reportId: string; outcome: "uploaded" | "unchanged" };

/** Puts each file into the bucket under `prefix`, never overwriting an original. */
export async function uploadFiles(
  store: ObjectStore,
  bucket: string,
  files: string[],
  prefix: string,
  onProgress: (done: number, upload: Upload) => void = () => undefined,
): Promise<Upload[]> {
  const uploads: Upload[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    const reportId = sha256Hex(bytes);
    const name = basename(file);
    let key = `${prefix}${name}`;
    const existing = await store.head(bucket, key);
    let outcome: Upload["outcome"] = "uploaded";
    if (existing && existing.eTag?.replace(/"/g, "") === md5Hex(bytes)) {
      outcome = "unchanged";
    } else {
      if (existing) {
        const ext = extname(name);
        key = `${prefix}${name.slice(0, name.length - ext.length)}-${reportId.slice(0, 8)}${ext}`;
      }
      if ((await store.putOriginal(bucket, key, bytes)) === "exists") outcome = "unchanged";
    }
    const upload = { file, key, reportId, outcome };
    uploads.push(upload);
    onProgress(uploads.length, upload);
  }
  return uploads;
}

/** Waits for each upload's record; rows of file, status, agency, year, id, problems. */
export async function waitForUploads(api: LocalApiClient, uploads: Upload[], timeoutMs: number): Promise<string[][]> {
  const rows: string[][] = [];
  const deadline = Date.now() + timeoutMs;
  for (const upload of uploads) {
    const report = await waitForReport(api, upload.reportId, upload.key, Math.max(0, deadline - Date.now()));
    rows.push([
      basename(upload.file),
      report?.status ?? "PENDING",
      report?.agency ?? "",
      report?.year === null || report?.year === undefined ? "" : String(report.year),
      upload.reportId.slice(0, 12),
      report ? describeProblems(report) : "尚无记录 (no record yet)",
    ]);
  }
  return rows;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      wait: { type: "boolean", default: false },
      timeout: { type: "string", default: "120" },
      prefix: { type: "string", default: "incoming/" },
    },
  });
  if (positionals.length === 0) {
    console.error("usage: nianbao ingest FILE|DIR... [--wait] [--timeout SECONDS] [--endpoint URL]");
    return 2;
  }
  const api = createLocalApiClient(resolveEndpoint(values.endpoint));
  const stack = await api.discover();
  const store = createLocalObjectStore(stack.s3Endpoint);
  const files = await collectFiles(positionals);
  if (files.length === 0) {
    console.error("nianbao: no report files found");
    return 2;
  }
  const uploads = await uploadFiles(store, stack.ingestBucket, files, values.prefix, (done, upload) =>
    writeProgress(`${progressBar(done, files.length)} ${upload.outcome} s3://${stack.ingestBucket}/${upload.key}`, done === files.length),
  );
  if (!values.wait) {
    for (const u of uploads) process.stdout.write(`${u.reportId}  ${u.key}\n`);
    return 0;
  }
  process.stderr.write(`waiting for ${uploads.length} record(s)…\n`);
  const rows = await waitForUploads(api, uploads, Number(values.timeout) * 1000);
  process.stdout.write(`${renderTable(["文件", "状态", "机关", "年度", "编号", "不符之处 / 失败原因"], rows)}\n`);
  return rows.some((r) => r[1] === "PENDING") ? 1 : 0;
}
