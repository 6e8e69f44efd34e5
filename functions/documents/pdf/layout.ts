/**
 * Page geometry -> blocks. Pure functions over positioned text items and ruling segments (top-down
 * coordinates in points), so they are tested without PDFs:
 * - ruled tables: the segments drawn as cell borders give the grid exactly; a missing border
 *   between two grid cells is a merge (rowspan/colspan);
 * - tables continuing across pages are joined by stacking their rulings;
 * - text outside tables becomes lines; runs of lines split by wide gaps become borderless tables.
 *
 * The code lives by concern in ./geometry.ts, ./rulings.ts, ./text-lines.ts, ./ruled-grid.ts,
 * ./page-blocks.ts and ./continued-tables.ts; this module re-exports their public names.
 */
export type { LaidOutBlock, LaidOutPage, PageGeometry, RuledTable, Segment, TextItem } from "./geometry.ts";
export { findRuledTables, mergeRulings } from "./rulings.ts";
export { groupLines, joinLine } from "./text-lines.ts";
export { gridOfRuledTable } from "./ruled-grid.ts";
export { blocksOf, layoutPage } from "./page-blocks.ts";
export { joinContinuedTables } from "./continued-tables.ts";
