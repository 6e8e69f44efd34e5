import { describe, expect, it } from "vitest";
import { buildReprocessDefinition, REPROCESS_STATES, type ReprocessResources } from "../../lib/reprocess-workflow.ts";
import { buildWorkflowDefinition } from "../../lib/workflow.ts";

const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const RESOURCES: ReprocessResources = {
  extractFunction: arn("extract"),
  parseFunction: arn("parse"),
  storeFunction: arn("store"),
  recordFailureFunction: arn("record-failure"),
  notifyFunction: arn("notify"),
  ocrFunction: arn("ocr"),
  selectFunction: arn("reprocess"),
};

describe("buildReprocessDefinition", () => {
  it("fans out with a Distributed Map over the manifest in S3, bounded and failure-tolerant", () => {
    const definition = buildReprocessDefinition(RESOURCES, {
      mode: "distributed",
      maxConcurrency: 40,
      toleratedFailurePercentage: 10,
    });
    const map = definition.States[REPROCESS_STATES.REPROCESS];
    expect(map).toMatchObject({
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSON" },
        Parameters: { "Bucket.$": "$.selection.manifest.bucket", "Key.$": "$.selection.manifest.key" },
      },
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" } },
      MaxConcurrency: 40,
      ToleratedFailurePercentage: 10,
    });
    expect(map).not.toHaveProperty("ItemsPath");
    expect(definition.States[REPROCESS_STATES.SELECT]).toMatchObject({
      Resource: RESOURCES.selectFunction,
      Parameters: { "filter.$": "$", inline: false },
    });
  });

  it("renders the inline variant from the same builder, over the items in the state", () => {
    const definition = buildReprocessDefinition(RESOURCES, { mode: "inline", maxConcurrency: 2 });
    const map = definition.States[REPROCESS_STATES.REPROCESS];
    expect(map).toMatchObject({ ItemsPath: "$.selection.items", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" } } });
    expect(map).not.toHaveProperty("ItemReader");
    expect(map).not.toHaveProperty("ToleratedFailurePercentage");
    expect(definition.States[REPROCESS_STATES.SELECT]).toMatchObject({ Parameters: { inline: true } });
  });

  it("runs each item through the pipeline's own states, given only the source object", () => {
    const { selectFunction: _select, ...pipeline } = RESOURCES;
    const expected = buildWorkflowDefinition(pipeline);
    for (const mode of ["inline", "distributed"] as const) {
      const map = buildReprocessDefinition(RESOURCES, { mode }).States[REPROCESS_STATES.REPROCESS] as {
        ItemProcessor: { StartAt: string; States: unknown };
        ItemSelector: unknown;
      };
      expect(map.ItemProcessor.StartAt).toBe(expected.StartAt);
      expect(map.ItemProcessor.States).toEqual(expected.States);
      expect(map.ItemSelector).toEqual({ "bucket.$": "$$.Map.Item.Value.bucket", "key.$": "$$.Map.Item.Value.key" });
    }
  });
});
