/** Positioned text items -> lines: grouping by vertical overlap and joining with CJK-aware spacing. */
import type { TextItem } from "./geometry.ts";

export const isCjk = (ch: string | undefined) => ch !== undefined && /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/.test(ch);

/** Joins items into one line of text: a space where the gap is wide, nothing where glyph runs abut. */
export function joinLine(items: readonly TextItem[]): string {
  const sorted = [...items].sort((a, b) => a.x - b.x);
  let text = "";
  let end = -Infinity;
  for (const item of sorted) {
    const gap = item.x - end;
    const size = Math.max(item.height, 1);
    // Chinese is written without spaces: a gap between two CJK characters is spacing, not a word break.
    const cjkPair = isCjk(text.at(-1)) && isCjk(item.text[0]);
    if (text !== "" && gap > size * (cjkPair ? 1.5 : 0.3) && !text.endsWith(" ") && !item.text.startsWith(" ")) text += " ";
    text += item.text;
    end = Math.max(end, item.x + item.width);
  }
  return text.trim();
}

/** Groups items into lines (by vertical overlap), top to bottom. */
export function groupLines(items: readonly TextItem[]): TextItem[][] {
  const sorted = [...items].filter((i) => i.text.trim() !== "").sort((a, b) => a.y + a.height / 2 - (b.y + b.height / 2));
  const lines: { top: number; bottom: number; items: TextItem[] }[] = [];
  for (const item of sorted) {
    const line = lines.at(-1);
    // Same line when the vertical extents overlap by half the smaller one (a flat 一 sits inside its line).
    const overlap = line ? Math.min(line.bottom, item.y + item.height) - Math.max(line.top, item.y) : -1;
    if (line && overlap >= Math.min(line.bottom - line.top, item.height) * 0.5) {
      line.items.push(item);
      line.top = Math.min(line.top, item.y);
      line.bottom = Math.max(line.bottom, item.y + item.height);
    } else lines.push({ top: item.y, bottom: item.y + item.height, items: [item] });
  }
  return lines.map((l) => l.items.sort((a, b) => a.x - b.x));
}

/** Joins a cell's lines: wrapped CJK text and wrapped numbers join directly, other words with a space. */
export function joinCellLines(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) {
    if (text === "") text = line;
    else if (isCjk(text.at(-1)) || isCjk(line[0]) || (/\d$/.test(text) && /^\d/.test(line))) text += line;
    else text += ` ${line}`;
  }
  return text;
}
