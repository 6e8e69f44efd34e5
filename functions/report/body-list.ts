/**
 * The list of bodies a disclosure office expects to publish (issue 14, "Import the list of
 * bodies"): a CSV of name and region code, as Excel writes it (UTF-8 with or without BOM, or
 * GB18030), read into bodies with their agencyId, or refused whole with every bad line named.
 *
 * Pure: no AWS SDK, no I/O.
 *
 * @example
 * readBodyList(bytes) // { scope: "3208", bodies: [{ line: 2, agency: "淮安市人民政府", agencyId: "320800-…", region }] }
 */
import { CsvError, parse } from "csv-parse/sync";
import { decodeLegacyText } from "../documents/legacy-text.ts";
import { decodeUnicodeText } from "../documents/text.ts";
import { NianbaoError } from "../shared/errors.ts";
import type { BodyRegion } from "./body.ts";
import { codePrefix, divisionByCode } from "./division-tree.ts";
import { normaliseText, simplify } from "./normalise.ts";
import { agencyIdOf, resolveRegion } from "./region.ts";

export type ListedBody = { line: number; agency: string; agencyId: string; region: BodyRegion };
/** `scope`: the code prefix of the division the list covers (32, 3208, 320813). */
export type BodyList = { scope: string; bodies: ListedBody[] };
export type ListProblem = { line: number; message: string };

/** One list item of DynamoDB holds the whole list (an import is one write): this many rows fit well within 400 KB. */
export const MAX_LISTED_BODIES = 3000;
const MAX_NAME = 100;
const HEADER_NAME = /名称|机关|单位|name/i;

/** A list refused whole: `problems` name every bad line. */
export class BodyListError extends NianbaoError {
  readonly problems: ListProblem[];
  constructor(problems: ListProblem[]) {
    const shown = problems.slice(0, 20).map((p) => (p.line > 0 ? `第 ${p.line} 行：${p.message}` : p.message));
    const more = problems.length > 20 ? [`……另有 ${problems.length - 20} 处问题`] : [];
    super(`机关清单有 ${problems.length} 处问题，未导入任何机关：\n${[...shown, ...more].join("\n")}`);
    this.name = "BodyListError";
    this.problems = problems;
  }
}


type Row = { line: number; cells: string[] };

function csvRows(text: string): Row[] {
  try {
    const records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines, cells: record })).filter((r) => r.cells.some((c) => c !== ""));
  } catch (error) {
    if (error instanceof CsvError) throw new BodyListError([{ line: Number(error.lines ?? 0), message: `CSV 格式错误（${error.code}）` }]);
    throw error;
  }
}

/** One row as a body, or what is wrong with it. */
function readRow({ line, cells }: Row): ListedBody | ListProblem {
  const [rawName = "", code = "", ...rest] = cells;
  const extra = rest.filter((c) => c !== "");
  if (extra.length > 0) return { line, message: `多出的列“${extra.join(",")}”（每行两列：机关名称, 区划代码）` };
  const agency = simplify(normaliseText(rawName)).replace(/\s+/g, "");
  if (!agency) return { line, message: "缺少机关名称" };
  if (agency.length > MAX_NAME) return { line, message: `机关名称超过 ${MAX_NAME} 个字` };
  if (!/^\d{6}$/.test(code)) return { line, message: `区划代码“${code}”应为六位数字（GB/T 2260）` };
  const division = divisionByCode(code);
  if (!division) return { line, message: `区划代码 ${code} 不是县级及以上行政区划（GB/T 2260）` };
  const named = resolveRegion(agency, "");
  if (named && !code.startsWith(codePrefix(named.code))) {
    return { line, message: `机关“${agency}”属于 ${named.code}，与区划代码 ${code}（${division.name}）不符` };
  }
  return { line, agency, agencyId: agencyIdOf(agency, division.region)!, region: division.region };
}

/** The deepest division prefix all codes share ("" when they lie in different provinces). */
function commonScope(codes: string[]): string {
  for (const length of [6, 4, 2]) {
    const first = codePrefix(codes[0]!).slice(0, length);
    if (first.length === length && codes.every((c) => codePrefix(c).startsWith(first))) return first;
  }
  return "";
}

/**
 * Reads a list of bodies. `scope`, when given, is the region the list is for (a code prefix);
 * otherwise the deepest division holding every row. Throws {@link BodyListError} naming each bad
 * line (nothing of such a list is kept), or {@link UnreadableDocumentError} for bytes that are no text.
 */
export function readBodyList(bytes: Uint8Array, scope?: string): BodyList {
  const rows = csvRows(decodeUnicodeText(bytes) ?? decodeLegacyText(bytes));
  // A header row: its code cell is no code and its name cell says what the column is.
  if (rows[0] && !/^\d+$/.test(rows[0].cells[1] ?? "") && HEADER_NAME.test(rows[0].cells[0] ?? "")) rows.shift();
  if (rows.length === 0) throw new BodyListError([{ line: 0, message: "清单中没有机关（每行：机关名称, 区划代码）" }]);
  if (rows.length > MAX_LISTED_BODIES) throw new BodyListError([{ line: 0, message: `清单有 ${rows.length} 行，一次最多导入 ${MAX_LISTED_BODIES} 个机关` }]);

  const problems: ListProblem[] = [];
  const bodies: ListedBody[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const read = readRow(row);
    if ("message" in read) {
      problems.push(read);
      continue;
    }
    const earlier = seen.get(read.agencyId);
    if (earlier !== undefined) problems.push({ line: row.line, message: `与第 ${earlier} 行是同一机关“${read.agency}”` });
    else if (scope && !read.region.code.startsWith(scope)) problems.push({ line: row.line, message: `区划代码 ${read.region.code} 不在导入范围 ${scope} 内` });
    else {
      seen.set(read.agencyId, row.line);
      bodies.push(read);
    }
  }
  if (problems.length > 0) throw new BodyListError(problems);
  const listScope = scope ?? commonScope(bodies.map((b) => b.region.code));
  if (!listScope) throw new BodyListError([{ line: 0, message: "清单中的机关分属不同省份：请按省、市或县分别导入" }]);
  return { scope: listScope, bodies };
}
