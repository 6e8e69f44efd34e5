/**
 * How many uploads one caller may start per hour: a counter item per caller and hour in the
 * records table (`pk = QUOTA#<caller>#<hour>`, `sk = QUOTA`, gone through the table's TTL a day
 * later), raised with a conditional `ADD` that fails once the limit is reached. No read-modify-write,
 * so concurrent requests of one caller cannot pass the limit together.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { KEY_PREFIXES, TIME_TO_LIVE_ATTRIBUTE } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

export interface UploadQuota {
  /** Takes one upload of `caller`'s hourly allowance; false when none is left. */
  take(caller: string, limit: number): Promise<boolean>;
}

/** The hour an instant falls in, as `YYYY-MM-DDTHH`. */
export function hourOf(now: Date): string {
  return now.toISOString().slice(0, 13);
}

export function createDynamoUploadQuota(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()): UploadQuota {
  return {
    async take(caller, limit) {
      const at = now();
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `${KEY_PREFIXES.QUOTA}${caller}#${hourOf(at)}`, sk: KEY_PREFIXES.QUOTA_SK },
            UpdateExpression: "ADD uploads :one SET #ttl = :ttl",
            ConditionExpression: "attribute_not_exists(uploads) OR uploads < :limit",
            ExpressionAttributeNames: { "#ttl": TIME_TO_LIVE_ATTRIBUTE },
            ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":ttl": Math.floor(at.getTime() / 1000) + 86_400 },
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
        return rethrowClassified(error, "take an upload from the caller's hourly allowance");
      }
    },
  };
}
