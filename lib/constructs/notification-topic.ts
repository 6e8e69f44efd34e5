import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface NotificationTopicProps {
  /**
   * E-mail addresses subscribed to the topic (each confirms by mail).
   * @default - no subscriptions; add them after deployment
   */
  readonly emailSubscribers?: readonly string[];

  /**
   * The KMS key that encrypts messages at rest.
   * @default - the AWS managed key for SNS (alias/aws/sns)
   */
  readonly masterKey?: kms.IKey;
}

/**
 * The topic on which the pipeline announces reports that need a person: NEEDS_REVIEW
 * (a template identity does not hold) and FAILED (with the error and its cause).
 * Encrypted with KMS and TLS-only.
 *
 * @example
 * const notifications = new NotificationTopic(this, "Notifications", { emailSubscribers: ["ops@example.org"] });
 * bindTopic(notify, notifications.topic);
 */
export class NotificationTopic extends Construct {
  /** The SNS topic. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "nianbao report notifications",
      masterKey: props.masterKey ?? kms.Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"),
      enforceSSL: true,
    });
    for (const address of props.emailSubscribers ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(address));
    }
  }
}
