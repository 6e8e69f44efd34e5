import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";

/**
 * A STANDARD state machine named `<stack>-<suffix>` from an ASL definition (lib/*-workflow.ts),
 * logging every execution (level ALL, with data) to its own vended-logs group, traced by X-Ray.
 * The fixed name lets its role and others name its ARN without a reference cycle; `fixedName: false`
 * leaves the name to CloudFormation (the report workflow, deployed so before the name was fixed).
 *
 * @example
 * const { stateMachine, logGroup } = loggedStateMachine(this, { suffix: "export", definition, timeout: Duration.hours(3) });
 */
export function loggedStateMachine(
  scope: Construct,
  options: { suffix: string; definition: object; timeout: Duration; logRetention?: logs.RetentionDays; fixedName?: boolean },
): { stateMachineName: string; logGroup: logs.LogGroup; stateMachine: sfn.StateMachine } {
  const stack = Stack.of(scope);
  const stateMachineName = `${stack.stackName}-${options.suffix}`;
  const logGroup = new logs.LogGroup(scope, "ExecutionLog", {
    logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
    retention: options.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new sfn.StateMachine(scope, "StateMachine", {
    ...(options.fixedName === false ? {} : { stateMachineName }),
    stateMachineType: sfn.StateMachineType.STANDARD,
    // toJsonString keeps the function ARN tokens as CloudFormation references.
    definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(options.definition)),
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
    timeout: options.timeout,
  });
  return { stateMachineName, logGroup, stateMachine };
}
