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
};
export type LaidOutBlock = { top: number; block: Block } | { top: number; table: RuledTable };
export type LaidOutPage = { blocks: LaidOutBlock[] };
