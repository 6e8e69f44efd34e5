/**
 * Character offsets of the running text (the rows' cells joined by spaces, the rows by new lines,
 * as parseReport builds it) back to the cell and the word they fall in: figures read by order
 * keep the place they were printed.
 */
import type { Locate } from "./figures-by-order.ts";
import type { Row } from "./read-figures.ts";

export function locatorOf(rows: readonly Row[]): Locate {
  const starts: { offset: number; row: number; cell: number }[] = [];
  let offset = 0;
  rows.forEach((cells, row) => {
    cells.forEach((text, cell) => {
      starts.push({ offset, row, cell });
      offset += text.length + 1; // the space or new line after it
    });
    if (cells.length === 0) offset += 1;
  });
  return (at) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]!.offset <= at) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo];
    if (!start) return undefined;
    const before = rows[start.row]![start.cell]!.slice(0, at - start.offset);
    return { row: start.row, cell: start.cell, word: (before.match(/\S+/g) ?? []).length };
  };
}
