/** `POST /registry/imports`: a disclosure office's list of the bodies it expects to publish, whole or not at all. */
import { BodyListError, readBodyList } from "../../report/body-list.ts";
import { UnreadableDocumentError } from "../../shared/errors.ts";
import { ImportBodyListRequest, ImportBodyListResult, ImportProblems } from "../coverage-schemas.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody } from "../schemas.ts";

export const importBodyListRoute = defineRoute({
  method: "POST",
  path: "/registry/imports",
  summary: "Import the list of bodies a region expects to publish",
  description:
    "A CSV of name and region code per line (a header row is allowed; UTF-8 with or without BOM, or GB18030, as Excel writes it), base64 in `csvBase64`. Every bad line is reported by number and nothing is imported; a good list replaces the earlier list of its scope, and `GET /coverage` expects its bodies instead of the default ones there.",
  body: ImportBodyListRequest,
  responses: {
    201: { description: "The list was imported", schema: ImportBodyListResult },
    400: { description: "Bad lines (nothing was imported) or a rejected parameter", schema: ImportProblems.or(ErrorBody) },
  },
  async handle({ body }, deps) {
    let list;
    try {
      list = readBodyList(Buffer.from(body.csvBase64, "base64"), body.region);
    } catch (error) {
      if (error instanceof BodyListError) return json(400, { message: error.message, parameter: "csvBase64", problems: error.problems });
      if (error instanceof UnreadableDocumentError) return json(400, { message: error.message, parameter: "csvBase64", problems: [{ line: 0, message: error.message }] });
      throw error;
    }
    const importedAt = new Date().toISOString();
    await deps.bodyLists.put({ scope: list.scope, importedAt, bodies: list.bodies.map(({ agencyId, agency, region }) => ({ agencyId, agency, region })) });
    return json(201, { scope: list.scope, imported: list.bodies.length, importedAt });
  },
});
