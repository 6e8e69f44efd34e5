/**
 * Cells named in the template's own words, for the messages of findings:
 * `表三（七）总计·自然人`, `表三（三）不予公开 2.其他法律行政法规禁止公开`, `表四行政复议·总计`.
 */
import {
  APPLICANT_COLUMNS,
  APPLICATION_ROWS,
  disclosureItemsOf,
  type Edition,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  SECTION,
  type SectionKey,
} from "./template.ts";

const TABLE_NUMBER: Record<SectionKey, string> = {
  activeDisclosure: "表二",
  applications: "表三",
  reviewLitigation: "表四",
};

/** The table of a section as findings name it: `表三`. */
export const tableName = (section: SectionKey): string => TABLE_NUMBER[section];

/** A row of a section in the template's words, without its table: `（三）不予公开 2.其他法律行政法规禁止公开`. */
export const rowLabel = (section: SectionKey, row: string): string => rowName(section, row).slice(TABLE_NUMBER[section].length);

/** A row of a section in the template's words, with its table: `表三（三）不予公开 2.其他法律行政法规禁止公开`. */
export function rowName(section: SectionKey, row: string): string {
  if (section === SECTION.APPLICATIONS) {
    const def = APPLICATION_ROWS.find((r) => r.key === row);
    return `${TABLE_NUMBER[section]}${def ? (def.group ? `${def.group} ${def.label}` : def.label) : row}`;
  }
  if (section === SECTION.REVIEW_LITIGATION) return `${TABLE_NUMBER[section]}${REVIEW_GROUPS.find((g) => g.key === row)?.label ?? row}`;
  const label = disclosureItemsOf("2019")
    .concat(disclosureItemsOf("2021"))
    .flatMap((item) => item.rows)
    .find((r) => r.key === row)?.label;
  return `${TABLE_NUMBER[section]}${label ?? row}`;
}

/** A column of a section's row in the template's words (`自然人`, `结果维持`, `本年处理决定数量`). */
export function columnName(section: SectionKey, row: string, column: string, edition: Edition): string {
  if (section === SECTION.APPLICATIONS) return APPLICANT_COLUMNS.find((c) => c.key === column)?.label ?? column;
  if (section === SECTION.REVIEW_LITIGATION) return REVIEW_COLUMNS.find((c) => c.key === column)?.label ?? column;
  const item = disclosureItemsOf(edition).find((i) => i.rows.some((r) => r.key === row));
  return item?.columns.find((c) => c.key === column)?.label ?? column;
}

/** A cell `<row>.<column>` of a section: `表三（七）总计·自然人`. */
export function cellName(section: SectionKey, cell: string, edition: Edition): string {
  const dot = cell.lastIndexOf(".");
  const row = cell.slice(0, dot);
  return `${rowName(section, row)}·${columnName(section, row, cell.slice(dot + 1), edition)}`;
}

/** The section a cell name `<row>.<column>` belongs to. */
export function sectionOfCell(cell: string): SectionKey {
  const row = cell.slice(0, cell.lastIndexOf("."));
  if (REVIEW_GROUPS.some((g) => g.key === row)) return SECTION.REVIEW_LITIGATION;
  if (APPLICATION_ROWS.some((r) => r.key === row)) return SECTION.APPLICATIONS;
  return SECTION.ACTIVE_DISCLOSURE;
}
