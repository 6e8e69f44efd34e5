/**
 * Plain-text reports (web pages and documents saved as text), in any encoding.
 *
 * Recovers the table layouts that text exports produce:
 * - `|`-separated rows (web pages),
 * - tab-separated rows (DOCX text exports),
 * - one cell per line, each line starting with a tab, rows separated by blank lines,
 * and keeps everything else as paragraphs (a PDF text layer flattened onto one line stays
 * a paragraph; the template mapper reads its figures by order).
 */
import { UnreadableDocumentError } from "../shared/errors.ts";
import { DOCUMENT_FORMAT, type Block, type Cell, type ExtractedDocument } from "./model.ts";

/**
 * Decodes Unicode text: UTF-8 (with or without BOM) or UTF-16 with a BOM; undefined for bytes that
 * are neither (a legacy encoding: ./legacy-text.ts). Throws for an empty or binary file.
 */
export function decodeUnicodeText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) throw new UnreadableDocumentError("文件为空 (the file is empty)");
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder("utf-8").decode(bytes.subarray(3));
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new TextDecoder(bytes[0] === 0xff ? "utf-16le" : "utf-16be").decode(bytes.subarray(2));
  }
  if (looksBinary(bytes)) throw new UnreadableDocumentError("文件不是文本，也不是可识别的文档格式 (the file is binary data in no supported format)");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes text bytes: Unicode first, then the detected legacy encoding (GB18030, Big5), whose
 * decoder (chardet and iconv-lite's tables, ~650 kB of the CLI's bundle) is imported only for such a file.
 */
export async function decodeText(bytes: Uint8Array): Promise<string> {
  return decodeUnicodeText(bytes) ?? (await import("./legacy-text.ts")).decodeLegacyText(bytes);
}

/** NUL bytes or many control characters: not a text file. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > n * 0.1;
}

const isCellLine = (line: string): boolean => line.startsWith("\t") && !line.slice(1).includes("\t");

/** The trimmed text of `line` from `start` to `end`, with where it stands (so a figure can be traced to its place). */
function spanned(line: string, lineIndex: number, start: number, end: number): Cell {
  const raw = line.slice(start, end);
  const text = raw.trim();
  const from = start + (text === "" ? 0 : raw.indexOf(text));
  return { text, span: { line: lineIndex + 1, start: from, end: from + text.length } };
}

/** A line split at `separator` into cells, each with its column range. */
function splitCells(line: string, lineIndex: number, separator: string): Cell[] {
  const cells: Cell[] = [];
  let start = 0;
  for (const part of line.split(separator)) {
    cells.push(spanned(line, lineIndex, start, start + part.length));
    start += part.length + separator.length;
  }
  return cells;
}

/** Splits decoded text into paragraphs and tables. */
export function blocksOfText(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let rows: Cell[][] = [];
  const flushTable = (): void => {
    if (rows.length > 0) blocks.push({ kind: "table", rows });
    rows = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isCellLine(line)) {
      // One cell per line: the row runs until the next line that is not a cell line.
      const cells: Cell[] = [];
      while (i < lines.length && isCellLine(lines[i]!)) {
        cells.push(spanned(lines[i]!, i, 1, lines[i]!.length));
        i++;
      }
      i--;
      rows.push(cells);
    } else if (line.includes("|")) {
      rows.push(splitCells(line, i, "|"));
    } else if (line.includes("\t")) {
      rows.push(splitCells(line, i, "\t"));
    } else if (line.trim() === "") {
      // Blank lines separate rows inside a table; they do not end it.
    } else {
      flushTable();
      const { text: trimmed, span } = spanned(line, i, 0, line.length);
      blocks.push({ kind: "paragraph", text: trimmed, span: span! });
    }
  }
  flushTable();
  return blocks;
}

/** Reads a plain-text report. */
export async function readTextDocument(bytes: Uint8Array): Promise<ExtractedDocument> {
  return documentOfText(await decodeText(bytes));
}

/** Wraps text already in memory (tests, the CLI's stdin), checked as a file of its UTF-8 bytes is. */
export function textDocument(text: string): ExtractedDocument {
  return documentOfText(decodeUnicodeText(new TextEncoder().encode(text))!);
}

function documentOfText(text: string): ExtractedDocument {
  if (text.trim() === "") throw new UnreadableDocumentError("文件没有任何文字 (the file contains no text)");
  return { format: DOCUMENT_FORMAT.TEXT, pages: [{ number: 1, blocks: blocksOfText(text) }], warnings: [] };
}
