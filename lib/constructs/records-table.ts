import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { ALL_TABLE_INDEXES, TABLE_KEYS, TIME_TO_LIVE_ATTRIBUTE, type KeyAttribute } from "../../functions/shared/table-schema.ts";

export interface RecordsTableProps {
  /**
   * What happens to the table (and its records) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether deleting the table needs deletion protection switched off first.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** CDK attribute type of a shared key attribute. */
function toAttribute(key: KeyAttribute): dynamodb.Attribute {
  const type = key.type === "N" ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;
  return { name: key.name, type };
}

/**
 * The records table: on-demand, point-in-time recovery, and the key design of
 * functions/shared/table-schema.ts (the same names the DynamoDB adapter and DynamoDB
 * Local use): `pk`/`sk`, plus one GSI per query of the API (agency+year, status, parser
 * version) so that nothing needs a Scan.
 *
 * @example
 * const records = new RecordsTable(this, "Records");
 * bindTable(api, records.table, "read");
 */
export class RecordsTable extends Construct {
  /** The DynamoDB table. */
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: RecordsTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: toAttribute(TABLE_KEYS.PARTITION_KEY),
      sortKey: toAttribute(TABLE_KEYS.SORT_KEY),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // Workflow progress items expire on their own; records never set it.
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
    });
    for (const index of ALL_TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
        // Listings read their summaries straight from the index, without a GetItem per item.
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
