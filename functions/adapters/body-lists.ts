/**
 * The lists of bodies disclosure offices imported (functions/report/body-list.ts), one item per
 * list in the records table: `pk = BODYLISTS`, `sk = <scope>` (the code prefix it covers). A list
 * is written by one Put, so an import is whole or absent, and importing a scope again replaces its
 * list. The bodies are kept as compact JSON (`[agencyId, agency, code]`), so a list of
 * MAX_LISTED_BODIES stays well within DynamoDB's 400 KB per item; regions are rebuilt from the codes.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ExpectedList } from "../report/coverage.ts";
import { divisionByCode } from "../report/division-tree.ts";
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

export interface BodyListStore {
  /** Stores `list` as its scope's list, replacing an earlier import of the same scope. */
  put(list: ExpectedList): Promise<void>;
  /** Every imported list. */
  all(): Promise<ExpectedList[]>;
}

type StoredList = { scope: string; importedAt: string; bodies: string };

export function toStoredList(list: ExpectedList): StoredList {
  return { scope: list.scope, importedAt: list.importedAt, bodies: JSON.stringify(list.bodies.map((b) => [b.agencyId, b.agency, b.region.code])) };
}

export function fromStoredList(item: StoredList): ExpectedList {
  const rows = JSON.parse(item.bodies) as [string, string, string][];
  return {
    scope: item.scope,
    importedAt: item.importedAt,
    bodies: rows.flatMap(([agencyId, agency, code]) => {
      const division = divisionByCode(code);
      return division ? [{ agencyId, agency, region: division.region }] : [];
    }),
  };
}

export function createDynamoBodyListStore(doc: DynamoDBDocumentClient, tableName: string): BodyListStore {
  return {
    async put(list) {
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: { pk: KEY_PREFIXES.BODY_LISTS, sk: list.scope, ...toStoredList(list) } }));
      } catch (error) {
        rethrowClassified(error, "store the imported list of bodies");
      }
    },
    async all() {
      const lists: ExpectedList[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        let page;
        try {
          page = await doc.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": KEY_PREFIXES.BODY_LISTS },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
        } catch (error) {
          rethrowClassified(error, "read the imported lists of bodies");
        }
        lists.push(...((page.Items ?? []) as StoredList[]).map(fromStoredList));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return lists;
    },
  };
}
