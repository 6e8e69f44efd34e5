/**
 * DOCX reader: opens the package with bounded inflation, reads the main document part's body
 * (tables with their merges, paragraphs) and, where the tables are pictures, hands the pictures
 * to OCR in document order, one page each.
 */
import { checkImageBudget } from "../image-budget.ts";
import { posix } from "node:path";
import { OcrRequiredError, UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractLimits } from "../limits.ts";
import { DOCUMENT_FORMAT, type Block, type ExtractedDocument, type Page } from "../model.ts";
import { imageMediaType, mapConcurrent, pageOcrOf, type OcrEngine, type OcrImage } from "../ocr/engine.ts";
import { readDocxBody, type BodyImage, type BodyItem } from "./body.ts";
import { attr, decodeXml, parseXml } from "./xml.ts";
import { SafeZip } from "./zip.ts";

export type ReadDocxOptions = { ocr?: OcrEngine; limits: ExtractLimits };

/** Pictures narrower than this (EMU; 914400 per inch) are logos or seals, not scanned pages. */
const MIN_OCR_WIDTH_EMU = 3 * 914_400;
/** A document with fewer readable characters than this and pictures is taken to be a scan. */
const MIN_TEXT_CHARS = 50;

type Relationship = { id: string; type: string; target: string; external: boolean };

/** Reads a DOCX package. Throws UnreadableDocumentError for damaged, hostile or non-Word packages. */
export async function readDocx(bytes: Uint8Array, options: ReadDocxOptions): Promise<ExtractedDocument> {
  const zip = await SafeZip.open(bytes, options.limits);
  try {
    const mainPart = await findMainPart(zip);
    const xml = decodeXml(await zip.read(mainPart));
    const items = readDocxBody(xml, mainPart);
    const relationships = zip.has(relsPathOf(mainPart)) ? readRelationships(decodeXml(await zip.read(relsPathOf(mainPart)))) : [];
    return await toDocument(items, { zip, mainPart, relationships, ...options });
  } finally {
    zip.close();
  }
}

async function findMainPart(zip: SafeZip): Promise<string> {
  if (zip.has("_rels/.rels")) {
    const rels = readRelationships(decodeXml(await zip.read("_rels/.rels")));
    const main = rels.find((r) => r.type.endsWith("/officeDocument") && !r.external);
    if (main) {
      const part = posix.normalize(main.target.replace(/^\/+/, ""));
      if (zip.has(part) && /\.xml$/i.test(part) && !/^(xl|ppt)\//i.test(part)) return part;
    }
  }
  if (zip.has("word/document.xml")) return "word/document.xml";
  throw new UnreadableDocumentError(notWordMessage(zip));
}

function notWordMessage(zip: SafeZip): string {
  if (zip.has("xl/workbook.xml")) return "这是 Excel 表格（.xlsx），不是 Word 文档；请上传 DOCX、PDF 或网页 (this is an Excel workbook, not a Word document)";
  if (zip.has("ppt/presentation.xml")) return "这是 PowerPoint 演示文稿（.pptx），不是 Word 文档 (this is a PowerPoint presentation, not a Word document)";
  if (zip.has("content.xml") && zip.has("mimetype")) {
    return "这是 OpenDocument 文档（.odt，如 WPS/LibreOffice），请另存为 DOCX 后上传 (this is an OpenDocument file; save it as DOCX)";
  }
  return "这是 ZIP 压缩包，但其中没有 Word 文档（word/document.xml） (this is a ZIP archive without a Word document in it)";
}

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), "_rels", `${posix.basename(part)}.rels`);
}

function readRelationships(xml: string): Relationship[] {
  const out: Relationship[] = [];
  parseXml(xml, "relationships", {
    open(tag) {
      if (tag.local !== "Relationship") return;
      const id = attr(tag, "Id");
      const target = attr(tag, "Target");
      if (!id || !target) return;
      out.push({ id, type: attr(tag, "Type") ?? "", target, external: attr(tag, "TargetMode") === "External" });
    },
    close() {},
    text() {},
  });
  return out;
}

type DocumentContext = ReadDocxOptions & { zip: SafeZip; mainPart: string; relationships: Relationship[] };

async function toDocument(items: BodyItem[], context: DocumentContext): Promise<ExtractedDocument> {
  const warnings: string[] = [];
  const blocks = items.filter((i): i is Block => i.kind !== "image");
  const images = items.filter((i): i is BodyImage => i.kind === "image");
  const pageImages = images.filter((i) => i.widthEmu === undefined || i.widthEmu >= MIN_OCR_WIDTH_EMU);
  const hasTables = blocks.some((b) => b.kind === "table");
  const textChars = blocks
    .map((b) => (b.kind === "paragraph" ? b.text : b.rows.flat().map((c) => c.text).join("")))
    .join("")
    .replace(/\s/g, "").length;

  const scanned = pageImages.length > 0 && !hasTables;
  if (!scanned) {
    if (pageImages.length > 0) {
      warnings.push(`文档中有 ${pageImages.length} 张图片未识别 (${pageImages.length} picture(s) in the document were not read)`);
    }
    return { format: DOCUMENT_FORMAT.DOCX, pages: [{ number: 1, blocks }], warnings };
  }
  if (!context.ocr) {
    const message = `该 Word 文档的内容是图片（${pageImages.length} 张，扫描件），需要 OCR 才能读取表格 (the DOCX holds its tables as ${pageImages.length} picture(s); OCR is needed to read them)`;
    if (textChars < MIN_TEXT_CHARS) throw new OcrRequiredError(message);
    warnings.push(message);
    return { format: DOCUMENT_FORMAT.DOCX, pages: [{ number: 1, blocks }], warnings, needsOcr: true };
  }
  if (pageImages.length > context.limits.maxOcrImages) {
    throw new UnreadableDocumentError(
      `文档含 ${pageImages.length} 张图片，超过 OCR 上限 ${context.limits.maxOcrImages} 张 (the document holds ${pageImages.length} pictures, more than the ${context.limits.maxOcrImages} that OCR will read)`,
    );
  }
  return { format: DOCUMENT_FORMAT.DOCX, pages: await ocrPages(items, pageImages, context, context.ocr, warnings), warnings };
}

/** Pages in document order: text between pictures on pages of its own, each picture an OCR'd page. */
async function ocrPages(
  items: BodyItem[],
  pageImages: BodyImage[],
  context: DocumentContext,
  ocr: OcrEngine,
  warnings: string[],
): Promise<Page[]> {
  // First the layout (text runs and readable pictures, in order), then OCR of the pictures in parallel.
  type Slot = { kind: "text"; blocks: Block[] } | { kind: "picture"; image: OcrImage };
  const slots: Slot[] = [];
  let pending: Block[] = [];
  const flush = () => {
    if (pending.length > 0) slots.push({ kind: "text", blocks: pending });
    pending = [];
  };
  const chosen = new Set(pageImages);
  for (const item of items) {
    if (item.kind !== "image") {
      pending.push(item);
      continue;
    }
    if (!chosen.has(item)) continue;
    const rel = context.relationships.find((r) => r.id === item.relationshipId);
    if (!rel || rel.external) {
      warnings.push(`图片 ${item.relationshipId} 是外部链接，无法识别 (picture ${item.relationshipId} is linked, not embedded)`);
      continue;
    }
    const part = posix.normalize(rel.target.startsWith("/") ? rel.target.slice(1) : posix.join(posix.dirname(context.mainPart), rel.target));
    if (!context.zip.has(part)) {
      warnings.push(`图片 ${part} 缺失 (picture ${part} is missing from the package)`);
      continue;
    }
    const bytes = await context.zip.read(part);
    const mediaType = imageMediaType(bytes);
    if (!mediaType) {
      warnings.push(`图片 ${part} 的格式不支持 OCR（仅 PNG/JPEG/TIFF） (picture ${part} is not PNG, JPEG or TIFF; not read)`);
      continue;
    }
    try {
      checkImageBudget(bytes, part);
    } catch (error) {
      warnings.push((error as Error).message);
      continue;
    }
    flush();
    slots.push({ kind: "picture", image: { bytes, mediaType, label: part } });
  }
  flush();
  const pictures = slots.flatMap((s) => (s.kind === "picture" ? [s.image] : []));
  const results = await mapConcurrent(pictures, ocr.concurrency ?? 1, (image) => ocr.recognizeImage(image));
  let next = 0;
  return slots.map((slot, i): Page => {
    if (slot.kind === "text") return { number: i + 1, blocks: slot.blocks };
    const result = results[next++]!;
    return {
      number: i + 1,
      blocks: result.blocks,
      ocr: pageOcrOf(ocr.name, result),
    };
  });
}
