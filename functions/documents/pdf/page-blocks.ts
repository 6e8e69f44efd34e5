/** One page -> blocks in reading order: ruled tables, lines of the free text, borderless tables from gapped lines. */
import type { Block } from "../model.ts";
import type { LaidOutBlock, LaidOutPage, PageGeometry, RuledTable, TextItem } from "./geometry.ts";
import { gridOfRuledTable } from "./ruled-grid.ts";
import { findRuledTables } from "./rulings.ts";
import { groupLines, joinLine } from "./text-lines.ts";

/** Lays out one page: ruled tables (kept geometric) and lines of the remaining text, top to bottom. */
export function layoutPage(page: PageGeometry): LaidOutPage {
  const tables: RuledTable[] = findRuledTables(page.segments).map((t) => ({ kind: "ruled", ...t, items: [] }));
  const free: TextItem[] = [];
  for (const item of page.items) {
    const cx = item.x + item.width / 2;
    const cy = item.y + item.height / 2;
    const table = tables.find((t) => cx >= t.left && cx <= t.right && cy >= t.top && cy <= t.bottom);
    if (table) table.items.push(item);
    else free.push(item);
  }
  const blocks: LaidOutBlock[] = tables.map((table) => ({ top: table.top, table }));
  blocks.push(...linesToBlocks(groupLines(free)));
  return { blocks: blocks.sort((a, b) => a.top - b.top) };
}

/** Splits a line into chunks at gaps wider than two character widths (columns of a borderless table). */
function chunksOf(line: readonly TextItem[]): TextItem[][] {
  const chunks: TextItem[][] = [];
  let end = -Infinity;
  for (const item of line) {
    const size = Math.max(item.height, 1);
    if (chunks.length === 0 || item.x - end > size * 2) chunks.push([item]);
    else chunks.at(-1)!.push(item);
    end = Math.max(end, item.x + item.width);
  }
  return chunks;
}

function linesToBlocks(lines: readonly TextItem[][]): LaidOutBlock[] {
  const out: LaidOutBlock[] = [];
  let run: { top: number; cells: string[] }[] = [];
  const flush = () => {
    if (run.length >= 2) out.push({ top: run[0]!.top, block: { kind: "table", rows: run.map((r) => r.cells.map((text) => ({ text }))) } });
    else for (const r of run) out.push({ top: r.top, block: { kind: "paragraph", text: r.cells.join(" ") } });
    run = [];
  };
  for (const line of lines) {
    const top = Math.min(...line.map((i) => i.y));
    const chunks = chunksOf(line).map(joinLine);
    if (chunks.length >= 2) run.push({ top, cells: chunks });
    else {
      flush();
      out.push({ top, block: { kind: "paragraph", text: chunks.join(" ") } });
    }
  }
  flush();
  return out;
}

/** The final blocks of a laid-out page. */
export function blocksOf(page: LaidOutPage): Block[] {
  const blocks: Block[] = [];
  for (const b of page.blocks) {
    if ("block" in b) blocks.push(b.block);
    else {
      const grid = gridOfRuledTable(b.table);
      if (grid) blocks.push({ kind: "table", rows: grid });
      else for (const line of groupLines(b.table.items)) blocks.push({ kind: "paragraph", text: joinLine(line) });
    }
  }
  return blocks;
}
