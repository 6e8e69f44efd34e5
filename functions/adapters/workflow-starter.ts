/** Starts executions of the pipeline's state machine (AWS Step Functions or the local runner's API). */
import { StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { rethrowClassified } from "../shared/transient.ts";

export type StartedExecution = { executionArn: string; alreadyStarted: boolean };

export interface WorkflowStarter {
  /**
   * Starts one execution. `name` is derived from the event, so a redelivered event
   * maps to the same execution instead of a second one.
   */
  start(name: string, input: unknown): Promise<StartedExecution>;
}

export function createSfnWorkflowStarter(client: SFNClient, stateMachineArn: string): WorkflowStarter {
  return {
    async start(name, input) {
      try {
        const out = await client.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        return { executionArn: out.executionArn ?? "", alreadyStarted: false };
      } catch (error) {
        // Same name, same input: Step Functions returns the running execution; same name, other
        // input (a redelivered event with a new receipt): the execution exists already.
        if ((error as { name?: string })?.name === "ExecutionAlreadyExists") {
          return { executionArn: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`, alreadyStarted: true };
        }
        return rethrowClassified(error, "start execution");
      }
    },
  };
}
