/** `GET /template`: both editions' tables as the template prints them (labels for the web page). */
import {
  APPLICANT_COLUMNS,
  applicationRowsOf,
  disclosureItemsOf,
  EDITIONS,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  SECTION_TITLES,
} from "../../report/template.ts";
import { CSV_COLUMNS } from "../csv.ts";
import { defineRoute, json } from "../route.ts";
import { TemplateBody } from "../schemas.ts";

const labelled = (items: readonly { key: string; label: string }[]) => items.map(({ key, label }) => ({ key, label }));

/** The row of section 三 holding the sum of the result rows, printed under the same heading. */
const RESULTS_TOTAL_ROW = "resultsTotal";

/** The template's tables as plain data (pure; computed once). */
export function describeTemplate() {
  return {
    editions: [...EDITIONS],
    sectionTitles: { ...SECTION_TITLES },
    activeDisclosure: Object.fromEntries(
      EDITIONS.map((edition) => [
        edition,
        disclosureItemsOf(edition).map(({ item, rows, columns }) => ({
          item: item.item,
          rows: labelled(rows),
          columns: labelled(columns),
        })),
      ]),
    ),
    applications: {
      columns: labelled(APPLICANT_COLUMNS),
      rows: Object.fromEntries(
        EDITIONS.map((edition) => [
          edition,
          applicationRowsOf(edition).map((r) => ({
            key: r.key,
            label: r.label,
            group: r.group ?? null,
            // The rows printed under 三、本年度办理结果: the template's result rows and their total.
            result: r.result || r.key === RESULTS_TOTAL_ROW,
          })),
        ]),
      ),
    },
    reviewLitigation: { groups: labelled(REVIEW_GROUPS), columns: labelled(REVIEW_COLUMNS) },
    csvColumns: [...CSV_COLUMNS],
  };
}

const TEMPLATE = describeTemplate();

export const getTemplateRoute = defineRoute({
  method: "GET",
  path: "/template",
  summary: "The report template's tables, labels and CSV columns",
  responses: { 200: { description: "The template", schema: TemplateBody } },
  async handle() {
    return json(200, TEMPLATE, { "cache-control": "max-age=300" });
  },
});
