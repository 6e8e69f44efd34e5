/**
 * `GET /reports/{id}/source/tables/{table}`: the cells of one table of an HTML or DOCX original,
 * re-read from the original by the reader that placed the record's figures.
 *
 * Why the server reads it rather than the browser: `cellSources` index tables, rows and cells as
 * the reader counts them (hidden rows skipped, layout tables read as text, spanned cells not
 * repeated), so only the same reader gives the same table; a DOCX needs unzipping anyway; and the
 * original's markup never reaches the page, where its script could run. The page builds the table
 * from these texts with textContent only.
 */
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, SourceTable, SourceTableParams } from "../schemas.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../../documents/limits.ts";
import { CONTENT_KIND, detectContentKind } from "../../documents/detect.ts";
import type { ExtractedDocument } from "../../documents/model.ts";
import { NianbaoError } from "../../shared/errors.ts";
import { firstSource } from "./get-report-source.ts";

/**
 * The two readers whose figures are placed by table, row and cell (the others have boxes or
 * lines), called as extractDocument calls them; imported here directly, so the API's bundle
 * carries neither pdf.js nor the OCR engines.
 */
async function readTabled(bytes: Uint8Array): Promise<ExtractedDocument | undefined> {
  const kind = detectContentKind(bytes);
  if (kind === CONTENT_KIND.HTML) return (await import("../../documents/html/read-html.ts")).readHtml(bytes);
  if (kind === CONTENT_KIND.ZIP) return (await import("../../documents/docx/read-docx.ts")).readDocx(bytes, { limits: DEFAULT_EXTRACT_LIMITS });
  return undefined;
}

export type SourceTableCell = { text: string; rowSpan?: number; colSpan?: number };

/** The cells of the document's `index`-th table (texts and spans), counted as `cellOrigins` counts them. */
export function tableCells(doc: ExtractedDocument, index: number): SourceTableCell[][] | undefined {
  const tables = doc.pages.flatMap((page) => page.blocks).filter((block) => block.kind === "table");
  const table = tables[index];
  if (table?.kind !== "table") return undefined;
  return table.rows.map((cells) =>
    cells.map(({ text, rowSpan, colSpan }) => ({ text, ...(rowSpan && rowSpan > 1 ? { rowSpan } : {}), ...(colSpan && colSpan > 1 ? { colSpan } : {}) })),
  );
}

export const getReportSourceTableRoute = defineRoute({
  method: "GET",
  path: "/reports/{id}/source/tables/{table}",
  summary: "One table of an HTML or DOCX original, as its reader reads it",
  params: SourceTableParams,
  responses: {
    200: { description: "The table's rows of cells (text and spans)", schema: SourceTable },
    400: { description: "Not a report id or table index", schema: ErrorBody },
    404: { description: "No such report, source or table", schema: ErrorBody },
    422: { description: "The original is not an HTML or DOCX document, or cannot be read", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const { s3 } = deps;
    const source = await firstSource(deps.records, params.id);
    // Refused before reading a byte of a file larger than the readers accept.
    const head = await s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }));
    if ((head.ContentLength ?? 0) > DEFAULT_EXTRACT_LIMITS.maxBytes) throw new HttpError(422, `原文过大，无法读取表格 (the original is too large)`, { parameter: "id" });
    const object = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
    const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    let doc: ExtractedDocument | undefined;
    try {
      doc = await readTabled(bytes);
    } catch (error) {
      // A reader's refusal (damaged, hostile or nested too deeply) is the original's fault, not the API's.
      if (error instanceof NianbaoError || error instanceof RangeError) throw new HttpError(422, `原文无法读取 (the original cannot be read): ${error.message}`, { parameter: "id", cause: error });
      throw error;
    }
    if (!doc) throw new HttpError(422, `原文不是 HTML 或 DOCX 文档，没有可读取的表格 (the original is not an HTML or DOCX document)`, { parameter: "id" });
    const rows = tableCells(doc, params.table);
    if (!rows) throw new HttpError(404, `原文没有第 ${params.table + 1} 个表格 (the original has no table ${params.table})`, { parameter: "table" });
    return json(200, { table: params.table, format: doc.format, rows });
  },
});
