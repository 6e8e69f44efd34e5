/**
 * `nianbao parse FILE [--json]`: reads one report file and prints its record.
 * Exit 0 when a record was produced (with or without findings), 2 when the file cannot be read
 * or is not an annual report (thrown as NianbaoError and reported in one line by the CLI).
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { extractDocument } from "../../functions/documents/index.ts";
import { formatRecord } from "../../functions/report/format.ts";
import { parseReport } from "../../functions/report/index.ts";
import { UnreadableDocumentError } from "../../functions/shared/errors.ts";

/** Refuse before reading a file into memory that no report comes near. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  const [file] = positionals;
  if (file === undefined) {
    console.error("usage: nianbao parse FILE [--json]");
    return 2;
  }
  const info = await stat(file).catch(() => null);
  if (!info) throw new UnreadableDocumentError(`${file}: 文件不存在 (no such file)`);
  if (!info.isFile()) throw new UnreadableDocumentError(`${file}: 不是文件 (not a regular file)`);
  if (info.size > MAX_FILE_BYTES) throw new UnreadableDocumentError(`${file}: 文件过大 (${info.size} bytes; the limit is ${MAX_FILE_BYTES})`);
  const bytes = new Uint8Array(await readFile(file));
  const doc = await extractDocument(bytes, { fileName: file });
  const { record } = parseReport(doc);
  for (const warning of doc.warnings) console.error(`nianbao: ${file}: ${warning}`);
  if (values.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  else process.stdout.write(`${formatRecord(record, { color: process.stdout.isTTY === true })}\n`);
  return 0;
}
