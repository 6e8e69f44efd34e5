/**
 * `nianbao export --format csv|xlsx|jsonl [--year Y] [--status S] [--edition E] [--agency A]
 * [--parser-version V] [--out FILE|-] [--endpoint URL]`: an export job (issue 17, item 3)
 * through the API — `POST /exports`, then `GET /exports/{id}` until DONE, progress on stderr
 * (已排队 / 正在导出：已写入 N 份报告), then the file fetched through its presigned link into
 * FILE (default: the name the API gives it), or to stdout with `--out -`.
 *
 * The API is the local stack's (`--endpoint`, NIANBAO_ENDPOINT, default that of `nianbao up`)
 * or a deployed one (./api-request.ts signs for it). Exit 0 when the file was saved, 1 when the
 * job FAILED or did not finish in `--timeout` seconds, 2 for a usage error, a refused request or
 * an API that cannot be reached.
 */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { createApiRequester, type ApiRequester } from "./api-request.ts";
import { resolveEndpoint } from "./local-client.ts";

const USAGE =
  "usage: nianbao export --format csv|xlsx|jsonl [--year Y] [--status S] [--edition E] [--agency A] [--parser-version V] [--out FILE|-] [--timeout S] [--endpoint URL]";

type JobState = "QUEUED" | "RUNNING" | "DONE" | "FAILED";
export type ExportJobView = {
  jobId: string;
  state: JobState;
  written: number;
  statusPath: string;
  download?: { url: string; bytes: number; fileName: string };
  failure?: string;
};

/** A request the API refused, in its own (Chinese) words. */
export class ExportRefusedError extends NianbaoError {
  constructor(message: string) {
    super(message);
    this.name = "ExportRefusedError";
  }
}

/** The job's state as the web page words it (web/: 已排队 / 正在导出 / 导出完成). */
export function describeJob(job: ExportJobView): string {
  if (job.state === "QUEUED") return "已排队";
  if (job.state === "RUNNING") return `正在导出：已写入 ${job.written} 份报告`;
  if (job.state === "DONE") return `导出完成：${job.written} 份报告`;
  return `导出失败：${job.failure ?? "原因不明"}`;
}

/** The request body of `POST /exports` from the command line (the API validates it, in Chinese). */
export function exportRequestOf(values: Record<string, string | undefined>): { format: string; filters: Record<string, unknown> } {
  const filters: Record<string, unknown> = {};
  // A year that is not digits is sent as it is, for the API to refuse with its message.
  if (values.year !== undefined) filters.year = /^\d+$/.test(values.year) ? Number(values.year) : values.year;
  if (values.status !== undefined) filters.status = values.status.toUpperCase();
  if (values.edition !== undefined) filters.edition = values.edition;
  if (values.agency !== undefined) filters.agency = values.agency;
  if (values["parser-version"] !== undefined) filters.parserVersion = values["parser-version"];
  return { format: values.format!, filters };
}

async function answerOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ExportRefusedError(`${what}：${typeof body.message === "string" ? body.message : `HTTP ${res.status}`}`);
  return body;
}

/** Polls the job until it is DONE or FAILED, writing each new state to `progress`. */
export async function followJob(api: ApiRequester, started: ExportJobView, options: { pollMs: number; timeoutMs: number; progress: (line: string, final: boolean) => void }): Promise<ExportJobView | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let job = started;
  let last = "";
  for (;;) {
    const line = describeJob(job);
    const final = job.state === "DONE" || job.state === "FAILED";
    if (line !== last || final) options.progress(line, final);
    last = line;
    if (final) return job;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    job = (await answerOf(await api.request("GET", job.statusPath), "查询导出任务失败")) as ExportJobView;
  }
}

/** Fetches the finished file into `out` (through a temporary name, so a broken download leaves no partial file) or stdout. */
async function saveFile(url: string, out: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (error) {
    throw new NianbaoError(`无法下载导出文件：${(error as Error).message}`, { cause: error });
  }
  if (!res.ok || !res.body) throw new NianbaoError(`无法下载导出文件：HTTP ${res.status}（链接 5 分钟内有效）`);
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  if (out === "-") return pipeline(body, process.stdout as Writable, { end: false });
  const partial = `${out}.part`;
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw new NianbaoError(`无法写入 ${out}：${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

function progressWriter(): (line: string, final: boolean) => void {
  const tty = process.stderr.isTTY === true;
  return (line, final) => process.stderr.write(tty ? `\r\x1b[2K${line}${final ? "\n" : ""}` : `${line}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: "string" },
      year: { type: "string" },
      status: { type: "string" },
      edition: { type: "string" },
      agency: { type: "string" },
      "parser-version": { type: "string" },
      out: { type: "string" },
      endpoint: { type: "string" },
      timeout: { type: "string", default: "1200" },
      "poll-ms": { type: "string", default: "500" },
    },
  });
  if (!values.format) {
    process.stderr.write(`nianbao: 请用 --format 指定导出格式（csv、xlsx 或 jsonl）\n${USAGE}\n`);
    return 2;
  }
  const timeout = Number(values.timeout);
  const pollMs = Number(values["poll-ms"]);
  if (!(timeout > 0) || !(pollMs > 0)) {
    process.stderr.write(`nianbao: --timeout 与 --poll-ms 应为正数\n${USAGE}\n`);
    return 2;
  }
  const api = createApiRequester(resolveEndpoint(values.endpoint));
  const started = (await answerOf(await api.request("POST", "/exports", exportRequestOf(values)), "导出任务未能创建")) as ExportJobView;
  const job = await followJob(api, started, { pollMs, timeoutMs: timeout * 1000, progress: progressWriter() });
  if (!job) {
    process.stderr.write(`nianbao: 导出任务 ${started.jobId} 在 ${values.timeout} 秒内未完成，可稍后查询 ${api.endpoint}${started.statusPath}\n`);
    return 1;
  }
  if (job.state === "FAILED" || !job.download) {
    process.stderr.write(`nianbao: 导出任务 ${job.jobId} 失败：${job.failure ?? "没有生成文件"}\n`);
    return 1;
  }
  const out = values.out ?? job.download.fileName;
  await saveFile(job.download.url, out);
  if (out !== "-") process.stdout.write(`${out}\n`);
  process.stderr.write(`已保存 ${out === "-" ? "到标准输出" : out}（${job.written} 份报告，${job.download.bytes} 字节）\n`);
  return 0;
}
