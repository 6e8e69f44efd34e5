/**
 * The query API (API Gateway REST proxy events): one Lambda, a small router
 * (./router.ts, routes in ./routes/). Routes on the request path, so a `{proxy+}`
 * resource and explicit resources both work.
 *
 * - `GET /reports` lists records, filtered by agency, year, status, edition or parser
 *   version, paginated by an opaque cursor — each served by an index, never a Scan;
 * - `GET /reports/{id}` returns the record of the contract plus status and sources;
 * - `GET /reports/{id}/source`, `GET /stats`, `GET /export.csv`, `POST /uploads`,
 *   `GET /template`, `GET /openapi.json`.
 */
import { readConfig } from "../shared/config.ts";
import { once } from "../shared/handler-kit.ts";
import { readApiConfig } from "./config.ts";
import { buildApiDeps } from "./deps.ts";
import { createApiHandler } from "./router.ts";
import { ROUTES } from "./routes/index.ts";

export { toListItem, toReportBody } from "./report-views.ts";

export const handler = createApiHandler(ROUTES, once(() => buildApiDeps(readConfig(), readApiConfig())));
