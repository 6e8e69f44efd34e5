// The source beside the table: where a figure was read in the original (the record's
// cellSources entry), shown from the original itself, fetched through the presigned link of
// GET /reports/{id}/source. Nothing of an original is ever put into the page as markup: a PDF
// or scan page is drawn on a canvas, text lines are set with textContent, and an HTML or DOCX
// table comes as cell texts and spans from GET /reports/{id}/source/tables/{n}, re-read by its reader.
import { escapeHtml, getJson } from "./api.js";

/** pdf.js draws at twice the page's size in points (sharp on high-density screens, shrunk by CSS). */
export const RENDER_SCALE = 2;
/** Lines shown before and after a text figure's line. */
const CONTEXT_LINES = 3;
/** The outline stands this many canvas pixels outside the cell's box, so it does not cover the figure. */
const OUTLINE_PAD = 4;

const originals = new Map();

/** The original's bytes, fetched once per report (the presigned link lives five minutes). */
function originalBytes(reportId) {
  if (!originals.has(reportId)) {
    const bytes = (async () => {
      const link = await getJson(`/reports/${encodeURIComponent(reportId)}/source`);
      const res = await fetch(link.url);
      if (!res.ok) throw new Error(`原文下载失败 (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    })();
    bytes.catch(() => originals.delete(reportId));
    originals.set(reportId, bytes);
  }
  return originals.get(reportId);
}

const startsWith = (bytes, ...magic) => magic.every((b, i) => bytes[i] === b);
const isPdf = (bytes) => startsWith(bytes, 0x25, 0x50, 0x44, 0x46);

/** Words every report prints, simplified and traditional: a right decoding of the text shows them. */
const COMMON_WORDS = /政府|信息|申请|申請|公开|公開|办理|辦理/g;

/**
 * A text original in the encodings the text reader accepts: UTF-8, else GB18030 or Big5, the
 * one that reads the report's common words (almost any Big5 text also decodes as GB18030, as
 * nonsense; the reader asks chardet, the page has only the words to go by).
 */
function decodeText(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const [gb, big5] = ["gb18030", "big5"].map((encoding) => new TextDecoder(encoding).decode(bytes));
    const words = (text) => text.match(COMMON_WORDS)?.length ?? 0;
    return words(big5) > words(gb) ? big5 : gb;
  }
}

/** Where the figure stands, in words: 第 3 页 / 第 12 行 / 第 2 个表格第 5 行第 3 格. */
function placeName(source) {
  if (source.page !== undefined) return `第 ${source.page} 页`;
  if (source.line !== undefined) return `第 ${source.line} 行，第 ${source.span[0] + 1}–${source.span[1]} 字`;
  if (source.table !== undefined) return `第 ${source.table + 1} 个表格，第 ${source.row + 1} 行第 ${source.col + 1} 格`;
  return "未记录位置";
}

const VIA_LABEL = { rows: "按行读取", order: "按顺序读取", grid: "按网格读取", ocr: "OCR 识别" };

function placeLine(source) {
  const confidence = source.confidence === undefined ? "" : ` · 置信度 ${escapeHtml(source.confidence)}`;
  const inferred = source.inferred ? `<div class="meta inferred">此格位置由勾稽关系推定，或原文未印此格（按 0 读取）</div>` : "";
  return `<div class="meta" id="source-place">${escapeHtml(placeName(source))} · ${escapeHtml(VIA_LABEL[source.via] ?? source.via)}${confidence}</div>${inferred}`;
}

const textLines = (text) => text.replace(/\r\n?/g, "\n").split("\n");

/** Lines `first`..`last` (1-based) of a text, set as text only; `marked` is the figure's line and span. */
function showLines(body, lines, first, last, marked) {
  const list = document.createElement("ol");
  list.className = "source-lines";
  list.start = first;
  for (let number = first; number <= Math.min(lines.length, last); number += 1) {
    const item = document.createElement("li");
    const line = lines[number - 1];
    if (number === marked?.line) {
      const mark = document.createElement("mark");
      mark.className = "source-mark";
      mark.textContent = line.slice(marked.span[0], marked.span[1]);
      item.className = "source-line";
      item.append(line.slice(0, marked.span[0]), mark, line.slice(marked.span[1]));
    } else {
      item.textContent = line;
    }
    list.append(item);
  }
  body.append(list);
}

/** The figure's line with the lines around it, the figure's span marked. */
function showTextLines(body, text, source) {
  showLines(body, textLines(text), Math.max(1, source.line - CONTEXT_LINES), source.line + CONTEXT_LINES, source);
}

/** The table as its reader read it, the figure's cell highlighted. */
function showTable(body, table, source) {
  const element = document.createElement("table");
  element.className = "source-table";
  table.rows.forEach((cells, r) => {
    const row = element.insertRow();
    cells.forEach(({ text, rowSpan, colSpan }, c) => {
      const cell = row.insertCell();
      cell.textContent = text;
      if (rowSpan) cell.rowSpan = rowSpan;
      if (colSpan) cell.colSpan = colSpan;
      if (r === source.row && c === source.col) cell.className = "source-cell";
    });
  });
  body.append(element);
}

/** Outlines the cell's box (points, top-down) on a canvas drawn at `scale` pixels a point; returns the rectangle drawn. */
function outlineBox(canvas, box, scale) {
  const [left, top, width, height] = box.map((v) => v * scale);
  const rect = [left - OUTLINE_PAD, top - OUTLINE_PAD, width + 2 * OUTLINE_PAD, height + 2 * OUTLINE_PAD].map((v) => Math.round(v));
  const context = canvas.getContext("2d");
  context.strokeStyle = "#e00000";
  context.lineWidth = 3;
  context.strokeRect(...rect);
  canvas.dataset.box = rect.join(",");
  return rect;
}

let pdfjs;
/** pdf.js from the page's own files, its worker too; never evaluates strings (the CSP has no unsafe-eval). */
async function loadPdfJs() {
  pdfjs ??= import("./vendor/pdf.min.js").then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = new URL("./vendor/pdf.worker.min.js", import.meta.url).href;
    return lib;
  });
  return pdfjs;
}

const pdfDocuments = new Map();
async function pdfDocument(reportId, bytes) {
  if (!pdfDocuments.has(reportId)) {
    const lib = await loadPdfJs();
    // pdf.js hands the buffer to its worker: give it a copy, the cached bytes stay usable.
    // CMaps and standard fonts for PDFs that do not embed their Chinese fonts, and the image decoders,
    // from the page's own files; useWasm: false, as the CSP allows no WebAssembly (their JavaScript fallbacks).
    const vendor = (dir) => new URL(`./vendor/${dir}/`, import.meta.url).href;
    pdfDocuments.set(
      reportId,
      lib.getDocument({ data: bytes.slice(), isEvalSupported: false, cMapUrl: vendor("pdfjs-cmaps"), cMapPacked: true, standardFontDataUrl: vendor("pdfjs-fonts"), wasmUrl: vendor("pdfjs-wasm"), useWasm: false }).promise,
    );
  }
  return pdfDocuments.get(reportId);
}

/**
 * Draws one page of a PDF original; `source.box`, when given, outlined. An OCR'd page's boxes are
 * in the frame the engine measured (`frame`: [width, height] in points, the record's
 * ocr.pageSizes), which is the page's own size only where the engine's resolution estimate was
 * right: the box scales from that frame to the drawn page. Returns the document.
 */
async function showPdfPage(body, reportId, bytes, source, frame) {
  const doc = await pdfDocument(reportId, bytes);
  const page = await doc.getPage(source.page);
  const viewport = page.getViewport({ scale: RENDER_SCALE });
  const canvas = pageCanvas(body, viewport.width, viewport.height);
  await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
  finishCanvas(canvas, source, frame ? viewport.width / frame[0] : RENDER_SCALE);
  return doc;
}

/**
 * A scan's picture: its boxes are in points of the page as the OCR measured it (`frame`, the
 * record's ocr.pageSizes), so they scale by the picture's width over the frame's. A record read
 * before the sizes were kept: A4 paper 8.27 inches wide at the resolution the picture's width
 * gives, as the engine assumed (estimateDpi of functions/documents/ocr/image-prep.ts).
 */
async function showImage(body, bytes, source = {}, frame) {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const dpi = Math.max(72, Math.min(600, Math.round(Math.min(bitmap.width, bitmap.height) / 8.27)));
  const canvas = pageCanvas(body, bitmap.width, bitmap.height);
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  finishCanvas(canvas, source, frame ? bitmap.width / frame[0] : dpi / 72);
}

/** The frame an OCR'd figure's box is in: its page's size in points as the engine measured it, where the record keeps it. */
function ocrFrame(record, source) {
  if (source.via !== "ocr") return undefined;
  return record.ocr?.pageSizes?.[String(source.page ?? 1)];
}

function pageCanvas(body, width, height) {
  const canvas = document.createElement("canvas");
  canvas.className = "source-page";
  canvas.width = Math.round(width);
  canvas.height = Math.round(height);
  const frame = document.createElement("div");
  frame.className = "source-frame";
  frame.append(canvas);
  body.append(frame);
  return canvas;
}

/** The box outlined, the page marked drawn, and the box scrolled into the frame's view. */
function finishCanvas(canvas, source, scale) {
  if (source.box) {
    const [, top] = outlineBox(canvas, source.box, scale);
    const frame = canvas.parentElement;
    frame.scrollTop = Math.max(0, (top / canvas.height) * canvas.clientHeight - frame.clientHeight / 3);
  }
  canvas.dataset.scale = String(scale);
  if (source.page !== undefined) canvas.dataset.page = String(source.page);
  canvas.dataset.rendered = "true";
}

async function showSource(body, record, source) {
  if (source.table !== undefined) {
    showTable(body, await getJson(`/reports/${encodeURIComponent(record.id)}/source/tables/${source.table}`), source);
    return;
  }
  if (source.line === undefined && source.page === undefined) {
    body.insertAdjacentHTML("beforeend", `<p class="muted">原文中没有此格的位置（未印出，或按网格读取）。</p>`);
    return;
  }
  const bytes = await originalBytes(record.id);
  if (source.line !== undefined) showTextLines(body, decodeText(bytes), source);
  else if (isPdf(bytes)) await showPdfPage(body, record.id, bytes, source, ocrFrame(record, source));
  else await showImage(body, bytes, source, ocrFrame(record, source));
}

/**
 * A new pane after `anchor`, replacing the one of the same id; `beside`: the anchor and the pane
 * share a `.source-split`, side by side on a wide screen, one under the other on a narrow one (style.css).
 */
function newPane(anchor, id, heading, beside = false) {
  const old = document.getElementById(id);
  if (old) removePane(old);
  const pane = document.createElement("section");
  pane.className = "card source-pane";
  pane.id = id;
  pane.innerHTML = `<div class="source-head"><h2>${escapeHtml(heading)}</h2><button class="secondary close-source">关闭 close</button></div>`;
  if (beside) {
    const split = document.createElement("div");
    split.className = "source-split";
    anchor.before(split);
    split.append(anchor, pane);
  } else anchor.after(pane);
  pane.querySelector(".close-source").addEventListener("click", () => removePane(pane));
  return pane;
}

/** Removes a pane, and the split it shared with its section (the section back in its place). */
function removePane(pane) {
  const split = pane.parentElement?.classList.contains("source-split") ? pane.parentElement : null;
  pane.remove();
  if (split) {
    split.before(...split.childNodes);
    split.remove();
  }
}

/** A PDF original page by page, with buttons for the page before and after. */
async function showPdfPages(body, reportId, bytes, number = 1) {
  body.replaceChildren();
  const doc = await showPdfPage(body, reportId, bytes, { page: number });
  const pager = document.createElement("div");
  pager.className = "source-pager";
  const button = (label, to) => {
    const b = document.createElement("button");
    b.className = "secondary";
    b.textContent = label;
    b.disabled = to < 1 || to > doc.numPages;
    b.addEventListener("click", () => void showPdfPages(body, reportId, bytes, to));
    return b;
  };
  const where = document.createElement("span");
  where.className = "meta";
  where.textContent = `第 ${number} / ${doc.numPages} 页`;
  pager.append(button("‹ 上一页", number - 1), where, button("下一页 ›", number + 1));
  body.prepend(pager);
}

/**
 * The whole original in the page, as safely as a figure's place: a text's lines, a PDF's pages
 * drawn by pdf.js, a picture drawn on a canvas; an HTML or DOCX original is offered as a download
 * only (served as a file: its markup is never rendered here), its tables shown by their figures.
 */
export async function openOriginalPane(anchor, record) {
  const pane = newPane(anchor, "original-pane", `原文 original · ${record.sources[0]?.uri?.split("/").pop() ?? ""}`);
  const body = document.createElement("div");
  body.className = "source-body";
  pane.append(body);
  pane.scrollIntoView({ block: "nearest" });
  try {
    const link = await getJson(`/reports/${encodeURIComponent(record.id)}/source`);
    const download = Object.assign(document.createElement("a"), { href: link.url, textContent: "下载原文 download", className: "button secondary", rel: "noopener" });
    pane.querySelector(".source-head").insertBefore(download, pane.querySelector(".close-source"));
    const bytes = await originalBytes(record.id);
    const kind = originalKind(bytes);
    if (kind === "pdf") await showPdfPages(body, record.id, bytes);
    else if (kind === "image") await showImage(body, bytes);
    else if (kind === "text") {
      const lines = textLines(decodeText(bytes));
      showLines(body, lines, 1, lines.length);
    } else body.insertAdjacentHTML("beforeend", `<p class="muted">HTML 与 DOCX 原文只提供下载（不在本页显示其内容）；点击表格中的数字可查看原文表格中的该格。</p>`);
  } catch (error) {
    body.insertAdjacentHTML("beforeend", `<p class="error">原文无法显示：${escapeHtml(error.message)}</p>`);
  }
  pane.dataset.ready = "true";
  return pane;
}

/** What an original is, by its first bytes (as the readers tell it): pdf, image, markup (HTML, DOCX) or text. */
function originalKind(bytes) {
  if (isPdf(bytes)) return "pdf";
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff)) return "image";
  if (startsWith(bytes, 0x50, 0x4b)) return "markup";
  const head = decodeText(bytes.subarray(0, 2048)).trimStart().slice(0, 512).toLowerCase();
  return /^(<!doctype html|<html|<head|<meta|<body|<table|<div|<p[ >])/.test(head) || head.includes("<html") ? "markup" : "text";
}

/**
 * Opens the pane for one figure (`cellKey`, e.g. `resultsTotal.naturalPerson`) after `anchor`
 * (the section holding the table), replacing what it showed before.
 */
export async function openSourcePane(anchor, record, cellKey, cellName) {
  const pane = newPane(anchor, "source-pane", `原文 source · ${cellName}`, true);
  pane.dataset.cell = cellKey;
  const source = record.cellSources?.[cellKey];
  pane.insertAdjacentHTML("beforeend", source ? `${placeLine(source)}<div class="source-body" aria-busy="true"></div>` : `<p class="muted">此记录没有原文位置（旧版解析器所存）。</p>`);
  pane.scrollIntoView({ block: "nearest" });
  if (!source) return pane;
  const body = pane.querySelector(".source-body");
  try {
    await showSource(body, record, source);
  } catch (error) {
    body.insertAdjacentHTML("beforeend", `<p class="error">原文无法显示：${escapeHtml(error.message)}</p>`);
  }
  body.removeAttribute("aria-busy");
  pane.dataset.ready = "true";
  return pane;
}
