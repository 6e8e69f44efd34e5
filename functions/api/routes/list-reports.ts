/** `GET /reports`: filtered, paginated by an opaque cursor, served by index queries. */
import { READ_SHAPE } from "../../adapters/record-query.ts";
import { toListItem } from "../report-views.ts";
import { withAgencyKey } from "../agency-keys.ts";
import { defineRoute, json } from "../route.ts";
import { encodeCursor, ErrorBody, ListReportsQuery, ReportList } from "../schemas.ts";

export const listReportsRoute = defineRoute({
  method: "GET",
  path: "/reports",
  summary: "List reports",
  description:
    "Reports matching every given filter, newest first within each index partition. Filters by agency (and year) use the byAgencyYear index, by parser version byParserVersion, otherwise byStatus; the rest are index filters.",
  query: ListReportsQuery,
  responses: {
    200: { description: "A page of reports", schema: ReportList },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const { limit, cursor, ...filter } = query;
    const page = await deps.query.page(await withAgencyKey(filter, deps.registry), {
      limit,
      shape: READ_SHAPE.SUMMARY,
      ...(cursor ? { cursor } : {}),
    });
    return json(200, {
      items: page.items.map(toListItem),
      count: page.items.length,
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
  },
});
