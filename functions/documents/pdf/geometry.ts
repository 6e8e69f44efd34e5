/** Page geometry types: positioned text items, ruling segments, ruled tables and laid-out blocks (top-down coordinates in points). */
import type { Block } from "../model.ts";

export type TextItem = {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** OCR confidence of the word, 0..100. */
  confidence?: number;
};
export type Segment = { x1: number; y1: number; x2: number; y2: number };
export type PageGeometry = { width: number; height: number; items: TextItem[]; segments: Segment[] };

/** A table found by its rulings, kept geometric until the page order is final (so continuations can join). */
export type RuledTable = {
  kind: "ruled";
  top: number;
  bottom: number;
  left: number;
  right: number;
  segments: Segment[];
  items: TextItem[];
  /** Parts from later pages were stacked in (cell boxes would then not be page coordinates). */
  joined?: boolean;
  /**
   * Where a joined table's parts came from: the part starting at stacked `from` was printed on
   * `page`, `shift` points higher on the page than it is stacked (so its cells keep page boxes).
   */
  parts?: { page: number; from: number; shift: number }[];
};
export type LaidOutBlock = { top: number; block: Block } | { top: number; table: RuledTable };
/** `number`: the page's number (1-based), where known. */
export type LaidOutPage = { blocks: LaidOutBlock[]; number?: number };
