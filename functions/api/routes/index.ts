/** Every route of the query API, in the order the OpenAPI document lists them. */
import { buildOpenApiDocument } from "../openapi.ts";
import { defineRoute, json, type Route } from "../route.ts";
import { createUploadRoute } from "./create-upload.ts";
import { exportCsvRoute } from "./export-csv.ts";
import { exportXlsxRoute } from "./export-xlsx.ts";
import { createExportRoute, getExportRoute } from "./exports.ts";
import { getReportSourceRoute } from "./get-report-source.ts";
import { getReportSourceTableRoute } from "./get-report-source-table.ts";
import { getReportRoute } from "./get-report.ts";
import { getReportProgressRoute } from "./get-report-progress.ts";
import { getStatsRoute } from "./get-stats.ts";
import { getTemplateRoute } from "./get-template.ts";
import { getAgencySeriesRoute } from "./get-agency-series.ts";
import { compareReportsRoute } from "./compare-reports.ts";
import { listReportsRoute } from "./list-reports.ts";
import { listAgenciesRoute } from "./list-agencies.ts";
import { getAgencyRoute } from "./get-agency.ts";
import { listRegionsRoute } from "./list-regions.ts";
import { getCoverageRoute } from "./get-coverage.ts";
import { importBodyListRoute } from "./import-body-list.ts";
import { createReviewRoute, listReviewsRoute } from "./report-reviews.ts";

/**
 * Version of the API contract (not of the parser: records carry their own parserVersion).
 * Kept here rather than imported from the parser so the API bundle does not carry it.
 */
export const API_VERSION = "1.0.0";

const DATA_ROUTES: readonly Route[] = [
  listReportsRoute,
  getReportRoute,
  getReportSourceRoute,
  getReportSourceTableRoute,
  getReportProgressRoute,
  getStatsRoute,
  exportCsvRoute,
  exportXlsxRoute,
  createExportRoute,
  getExportRoute,
  createUploadRoute,
  getTemplateRoute,
  listAgenciesRoute,
  getAgencyRoute,
  listRegionsRoute,
  getCoverageRoute,
  importBodyListRoute,
  getAgencySeriesRoute,
  compareReportsRoute,
  createReviewRoute,
  listReviewsRoute,
];

let document: unknown;

export const getOpenApiRoute = defineRoute({
  method: "GET",
  path: "/openapi.json",
  summary: "This document",
  responses: { 200: { description: "OpenAPI 3.1" } },
  async handle() {
    document ??= buildOpenApiDocument(ROUTES, {
      title: "nianbao query API",
      version: API_VERSION,
      description: "Validated records of government information disclosure annual reports (政府信息公开工作年度报告).",
    });
    return json(200, document);
  },
});

export const ROUTES: readonly Route[] = [...DATA_ROUTES, getOpenApiRoute];
