/**
 * HTML reader: a spec-conforming parser (parse5, the algorithm browsers use, so broken markup
 * nests as a browser shows it), tables with rowspan/colspan, and lines of text as paragraphs.
 * Layout tables (a table that holds tables, or a single cell) are read as containers.
 */
import { parse, type DefaultTreeAdapterTypes as T } from "parse5";
import { DOCUMENT_FORMAT, type Block, type Cell, type DocumentMetadata, type ExtractedDocument } from "../model.ts";
import { decodeHtml } from "./decode.ts";

const SKIPPED = new Set(["script", "style", "noscript", "template", "iframe", "object", "svg", "math", "select", "button", "head"]);
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
  "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "ul", "caption", "tr", "td", "th",
  "table", "thead", "tbody", "tfoot", "option", "legend",
]);

export type ReadHtmlOptions = { charset?: string };

/** Reads an HTML page (bytes in any common Chinese encoding) into one page of blocks. */
export function readHtml(bytes: Uint8Array, options: ReadHtmlOptions = {}): ExtractedDocument {
  return readHtmlString(decodeHtml(bytes, options.charset).text);
}

/** Reads an HTML string into one page of blocks. */
export function readHtmlString(html: string): ExtractedDocument {
  const root = parse(html);
  const collector = new BlockCollector();
  const title = findTitle(root);
  if (title) collector.paragraph(title);
  let images = 0;
  walk(root, collector, () => {
    images += 1;
  });
  const blocks = collector.finish();
  const warnings: string[] = [];
  if (images > 0 && !blocks.some((b) => b.kind === "table")) {
    warnings.push(`网页中没有表格，但有 ${images} 张图片：表格可能是图片，无法读取 (the page has no tables but ${images} image(s); its tables may be pictures, which a web page reader cannot read)`);
  }
  const metadata = findMetadata(root);
  return { format: DOCUMENT_FORMAT.HTML, pages: [{ number: 1, blocks }], warnings, ...(metadata ? { metadata } : {}) };
}

/** `<meta name>` values that government CMSs print for an article, by what they say. */
const META_TITLE = new Set(["articletitle", "title", "dc.title", "og:title"]);
const META_PUBLISHER = new Set(["contentsource", "source", "publisher", "dc.publisher"]);

/** The article title and source from the page's `<meta>` tags (the first of each, as printed). */
function findMetadata(root: T.Node): DocumentMetadata | undefined {
  const metadata: DocumentMetadata = {};
  const visit = (node: T.Node): void => {
    if (isElement(node) && node.tagName === "meta") {
      const name = (attribute(node, "name") ?? attribute(node, "property") ?? "").trim().toLowerCase();
      const content = (attribute(node, "content") ?? "").replace(/\s+/g, " ").trim();
      if (content === "") return;
      if (META_TITLE.has(name)) metadata.title ??= content;
      else if (META_PUBLISHER.has(name)) metadata.publisher ??= content;
      return;
    }
    if (isElement(node) && node.tagName === "body") return;
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  const headings = findHeadings(root);
  if (headings.length > 0) metadata.headings = headings;
  return Object.keys(metadata).length === 0 ? undefined : metadata;
}

/** The visible texts of the page's `<h1>` and `<h2>` headings, in order (at most ten). */
function findHeadings(root: T.Node): string[] {
  const found: string[] = [];
  const textOf = (node: T.Node): string =>
    node.nodeName === "#text" ? (node as T.TextNode).value : isElement(node) && (SKIPPED.has(node.tagName) || isHidden(node)) ? "" : childrenOf(node).map(textOf).join("");
  const visit = (node: T.Node): void => {
    if (found.length >= 10) return;
    if (isElement(node) && (SKIPPED.has(node.tagName) || isHidden(node))) return;
    if (isElement(node) && (node.tagName === "h1" || node.tagName === "h2")) {
      const text = textOf(node).replace(/\s+/g, " ").trim();
      if (text) found.push(text);
      return;
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return found;
}

/** Accumulates inline text into lines and lines into paragraphs, interleaved with tables. */
class BlockCollector {
  private readonly blocks: Block[] = [];
  private readonly lines = new LineSink();

  text(value: string, preformatted: boolean): void {
    this.lines.text(value, preformatted);
  }

  lineBreak(): void {
    this.lines.lineBreak();
  }

  paragraph(text: string): void {
    this.flushLines();
    this.blocks.push({ kind: "paragraph", text });
  }

  table(rows: Cell[][]): void {
    this.flushLines();
    this.blocks.push({ kind: "table", rows });
  }

  finish(): Block[] {
    this.flushLines();
    return this.blocks;
  }

  private flushLines(): void {
    for (const line of this.lines.take()) this.blocks.push({ kind: "paragraph", text: line });
  }
}

/** Collapses HTML whitespace the way a browser renders it, splitting at block boundaries. */
class LineSink {
  private done: string[] = [];
  private current = "";

  text(value: string, preformatted: boolean): void {
    if (preformatted) {
      const parts = value.replace(/\u00a0/g, " ").split(/\r?\n/);
      parts.forEach((part, i) => {
        if (i > 0) this.lineBreak();
        this.current += part;
      });
      return;
    }
    this.current += value.replace(/[ \t\n\r\f\u00a0]+/g, " ");
  }

  lineBreak(): void {
    const line = this.current.replace(/ {2,}/g, " ").trim();
    if (line !== "") this.done.push(line);
    this.current = "";
  }

  take(): string[] {
    this.lineBreak();
    const out = this.done;
    this.done = [];
    return out;
  }
}

function isElement(node: T.Node): node is T.Element {
  return "tagName" in node;
}

function attribute(element: T.Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function isHidden(element: T.Element): boolean {
  if (attribute(element, "hidden") !== undefined) return true;
  const style = attribute(element, "style")?.replace(/\s+/g, "").toLowerCase() ?? "";
  return style.includes("display:none") || style.includes("visibility:hidden");
}

function childrenOf(node: T.ParentNode | T.Node): T.ChildNode[] {
  if (isElement(node) && node.tagName === "template") return [];
  return "childNodes" in node ? node.childNodes : [];
}

function findTitle(node: T.Node): string | undefined {
  if (isElement(node) && node.tagName === "title") {
    const text = childrenOf(node)
      .map((c) => (c.nodeName === "#text" ? (c as T.TextNode).value : ""))
      .join("")
      .replace(/\s+/g, " ")
      .trim();
    return text || undefined;
  }
  if (isElement(node) && node.tagName === "body") return undefined;
  for (const child of childrenOf(node)) {
    const title = findTitle(child);
    if (title) return title;
  }
  return undefined;
}

function walk(node: T.Node, out: BlockCollector, onImage: () => void, preformatted = false): void {
  if (node.nodeName === "#text") {
    out.text((node as T.TextNode).value, preformatted);
    return;
  }
  if (!isElement(node)) {
    for (const child of childrenOf(node)) walk(child, out, onImage, preformatted);
    return;
  }
  const tag = node.tagName;
  if (SKIPPED.has(tag) || isHidden(node)) return;
  if (tag === "br") {
    out.lineBreak();
    return;
  }
  if (tag === "img") {
    onImage();
    return;
  }
  if (tag === "table") {
    readTable(node, out, onImage);
    return;
  }
  const block = BLOCK.has(tag);
  if (block) out.lineBreak();
  for (const child of childrenOf(node)) walk(child, out, onImage, preformatted || tag === "pre" || tag === "textarea");
  if (block) out.lineBreak();
}

/** The rows of a table, through thead/tbody/tfoot, not descending into nested tables. */
function rowsOf(table: T.Element): T.Element[] {
  const rows: T.Element[] = [];
  for (const child of childrenOf(table)) {
    if (!isElement(child)) continue;
    if (child.tagName === "tr") rows.push(child);
    else if (child.tagName === "thead" || child.tagName === "tbody" || child.tagName === "tfoot") {
      for (const row of childrenOf(child)) if (isElement(row) && row.tagName === "tr" && !isHidden(row)) rows.push(row);
    }
  }
  return rows;
}

function cellsOf(row: T.Element): T.Element[] {
  return childrenOf(row).filter((c): c is T.Element => isElement(c) && (c.tagName === "td" || c.tagName === "th") && !isHidden(c));
}

function containsTable(node: T.Node): boolean {
  for (const child of childrenOf(node)) {
    if (isElement(child) && (child.tagName === "table" || containsTable(child))) return true;
  }
  return false;
}

function span(element: T.Element, name: string): number {
  const value = Number.parseInt(attribute(element, name) ?? "1", 10);
  return Number.isFinite(value) && value > 1 ? Math.min(value, 1000) : 1;
}

function readTable(table: T.Element, out: BlockCollector, onImage: () => void): void {
  for (const child of childrenOf(table)) {
    if (isElement(child) && child.tagName === "caption") walk(child, out, onImage);
  }
  const rows = rowsOf(table);
  const cells = rows.flatMap(cellsOf);
  if (cells.length <= 1 || cells.some(containsTable)) {
    // Layout table: its cells are regions of the page, read in order as ordinary content.
    out.lineBreak();
    for (const cell of cells) {
      for (const child of childrenOf(cell)) walk(child, out, onImage);
      out.lineBreak();
    }
    return;
  }
  const grid: Cell[][] = rows.map((row) =>
    cellsOf(row).map((td) => {
      const sink = new BlockCollector();
      for (const child of childrenOf(td)) walk(child, sink, onImage);
      const text = sink
        .finish()
        .map((b) => (b.kind === "paragraph" ? b.text : ""))
        .join("\n");
      const cell: Cell = { text };
      const rowSpan = span(td, "rowspan");
      const colSpan = span(td, "colspan");
      if (rowSpan > 1) cell.rowSpan = rowSpan;
      if (colSpan > 1) cell.colSpan = colSpan;
      return cell;
    }),
  );
  out.table(grid.filter((row) => row.length > 0));
}
