/**
 * What `up`, `ingest` and `status` share: the running local stack's API, its S3 stand-in
 * (found through the API's local discovery route) and the report table they print.
 */
import { createHash } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { createS3ObjectStore, type ObjectStore } from "../../functions/adapters/object-store.ts";
import { LOCAL_CREDENTIALS } from "../../functions/adapters/clients.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { describeErrors } from "../../functions/shared/problems.ts";
import type { Status } from "../../functions/shared/status.ts";
import type { Finding as RecordFinding } from "../../functions/report/record.ts";
import { LOCAL_DISCOVERY_PATH } from "../../local/api-server.ts";
import { renderTable } from "./text-table.ts";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:3000";

/** `--endpoint`, else NIANBAO_ENDPOINT, else the default port of `nianbao up`. */
export function resolveEndpoint(flag: string | undefined): string {
  return (flag ?? process.env.NIANBAO_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
}

export class StackUnreachableError extends NianbaoError {
  constructor(endpoint: string, options?: ErrorOptions) {
    super(`no local stack answers at ${endpoint} (start one with \`npm start\`, or pass --endpoint URL)`, options);
    this.name = "StackUnreachableError";
  }
}

export type ListItem = {
  id: string;
  agency: string | null;
  year: number | null;
  edition: string | null;
  status: Status;
  sourceCount: number;
  /** The first file's name (the API's listing; null for a record stored without a source). */
  fileName?: string | null;
  updatedAt: string;
};

/** A finding as the API returns it (the record's one definition, functions/report/record.ts). */
export type Finding = RecordFinding;

export type ReportBody = ListItem & {
  sources: { bucket: string; key: string; uri: string }[];
  findings?: Finding[];
  failure?: { error: string; cause: string };
};

export type LocalApiClient = {
  endpoint: string;
  list(): Promise<ListItem[]>;
  get(id: string): Promise<ReportBody | undefined>;
  discover(): Promise<{ s3Endpoint: string; ingestBucket: string; notificationsLog: string; dataDir: string }>;
};

export function createLocalApiClient(endpoint: string): LocalApiClient {
  async function request(path: string): Promise<Response> {
    try {
      return await fetch(`${endpoint}${path}`);
    } catch (error) {
      throw new StackUnreachableError(endpoint, { cause: error });
    }
  }
  return {
    endpoint,
    async list() {
      const res = await request("/reports?limit=1000");
      if (!res.ok) throw new Error(`GET /reports: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { items: ListItem[] }).items;
    },
    async get(id) {
      const res = await request(`/reports/${id}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET /reports/${id}: ${res.status} ${await res.text()}`);
      return (await res.json()) as ReportBody;
    },
    async discover() {
      const res = await request(LOCAL_DISCOVERY_PATH);
      if (!res.ok) throw new StackUnreachableError(endpoint);
      return (await res.json()) as Awaited<ReturnType<LocalApiClient["discover"]>>;
    },
  };
}

/** An object store on the local stack's s3rver. */
export function createLocalObjectStore(s3Endpoint: string): ObjectStore {
  return createS3ObjectStore(
    new S3Client({
      region: "us-east-1",
      endpoint: s3Endpoint,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  );
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const md5Hex = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

/**
 * Waits until the report with `id` exists and lists `key` as a source.
 * Returns undefined on timeout.
 */
export async function waitForReport(
  api: LocalApiClient,
  id: string,
  key: string,
  timeoutMs: number,
): Promise<ReportBody | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await api.get(id);
    if (report?.sources.some((s) => s.key === key)) return report;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export { displayWidth, renderTable } from "./text-table.ts";

/** Why a record is not VALID: its error findings described, or its failure. */
export function describeProblems(report: ReportBody): string {
  if (report.status === "FAILED") {
    const file = report.sources[0]?.key.split("/").pop();
    const reason = report.failure ? `${report.failure.cause}（${report.failure.error}）` : "处理失败，未记录原因";
    return file ? `${file}：${reason}` : reason;
  }
  return describeErrors(report.findings ?? [], report.edition).join("；");
}

/** The records table `up` and `status` print. */
export async function renderReports(api: LocalApiClient, items: ListItem[]): Promise<string> {
  const rows: string[][] = [];
  for (const item of items) {
    const detailed = item.status === "VALID" ? undefined : await api.get(item.id);
    rows.push([
      item.agency ?? "（未识别）",
      item.year === null ? "—" : String(item.year),
      item.edition ?? "—",
      item.status,
      item.id.slice(0, 12),
      fileNames(item),
      detailed ? describeProblems(detailed) : "",
    ]);
  }
  return renderTable(["机关", "年度", "模板", "状态", "编号", "文件", "不符之处 / 失败原因"], rows);
}

/** The file a row was read from, and how many more files are the same report (`a.pdf 等 3 个文件`). */
function fileNames(item: ListItem): string {
  const name = item.fileName ?? "—";
  return item.sourceCount > 1 ? `${name} 等 ${item.sourceCount} 个文件` : name;
}
