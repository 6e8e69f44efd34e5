import { CfnElement, Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Acknowledges one cdk-nag finding on a construct (and everything under it), with its reason.
 * cdk-nag v3 matches finding ids exactly, e.g. `AwsSolutions-IAM5[Resource::*]`.
 *
 * @example
 * acknowledge(role, "AwsSolutions-IAM5[Resource::*]", "X-Ray PutTraceSegments has no resource-level permissions.");
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag prints `Fn::GetAtt [<resource>, Arn]` in a finding: `<LogicalId.Arn>`.
 * `resource` is an L2 construct (its default child is the CloudFormation resource) or an L1.
 */
export function nagArn(resource: IConstruct): string {
  const element = (CfnElement.isCfnElement(resource) ? resource : resource.node.defaultChild) as CfnElement | undefined;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`nagArn: ${resource.node.path} has no CloudFormation resource`);
  }
  const logicalId = Stack.of(element).resolve(element.logicalId) as string;
  return `<${logicalId}.Arn>`;
}

/** How cdk-nag prints `Ref <resource>` in a finding: `<LogicalId>`. */
export function nagRef(resource: IConstruct): string {
  const element = (CfnElement.isCfnElement(resource) ? resource : resource.node.defaultChild) as CfnElement | undefined;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`nagRef: ${resource.node.path} has no CloudFormation resource`);
  }
  return `<${Stack.of(element).resolve(element.logicalId) as string}>`;
}
