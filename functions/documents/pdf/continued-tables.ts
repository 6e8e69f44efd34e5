/** Tables continuing across pages: joined by stacking the next part's rulings under the first's, page furniture skipped. */
import type { LaidOutBlock, LaidOutPage, RuledTable } from "./geometry.ts";

const PAGE_FURNITURE = /^[\s\-—–·第页共页\d/]*$/;

function isFurniture(block: LaidOutBlock): boolean {
  return "block" in block && block.block.kind === "paragraph" && PAGE_FURNITURE.test(block.block.text);
}

/**
 * Joins tables that continue on the next page: the last table of a page (page numbers may follow)
 * and the first table of the next page (a running header may precede) with the same left and right
 * edges become one, the second part's rulings stacked under the first's. A table may run over
 * several pages.
 */
export function joinContinuedTables(pages: LaidOutPage[]): void {
  let carry: RuledTable | undefined;
  let carryPage = 1;
  for (const [i, page] of pages.entries()) {
    const blocks = page.blocks;
    if (carry) {
      let first = 0;
      while (first < blocks.length && isFurniture(blocks[first]!)) first += 1;
      const b = blocks[first];
      if (b && "table" in b && Math.abs(carry.left - b.table.left) <= 3 && Math.abs(carry.right - b.table.right) <= 3) {
        const part = b.table;
        const dy = carry.bottom - part.top;
        carry.segments.push(...part.segments.map((s) => ({ ...s, y1: s.y1 + dy, y2: s.y2 + dy })));
        carry.items.push(...part.items.map((it) => ({ ...it, y: it.y + dy })));
        carry.parts ??= [{ page: carryPage, from: carry.top, shift: 0 }];
        carry.parts.push({ page: page.number ?? i + 1, from: part.top + dy, shift: dy });
        carry.bottom = part.bottom + dy;
        carry.joined = true;
        blocks.splice(first, 1);
      }
    }
    const content = blocks.filter((b) => !isFurniture(b));
    if (content.length === 0 && carry) continue;
    const last = content.at(-1);
    const next = last && "table" in last ? last.table : undefined;
    if (next !== carry) carryPage = page.number ?? i + 1;
    carry = next;
  }
}
