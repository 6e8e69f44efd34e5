import * as iam from "aws-cdk-lib/aws-iam";
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
   * @default - a new customer managed key with rotation, usable by CloudWatch alarms
   */
  readonly masterKey?: kms.IKey;
}

/**
 * The topic on which the pipeline announces reports that need a person: NEEDS_REVIEW
 * (a template identity does not hold) and FAILED (with the error and its cause).
 * Encrypted with a KMS key of its own (so alarms can publish too) and TLS-only.
 *
 * @example
 * const notifications = new NotificationTopic(this, "Notifications", { emailSubscribers: ["ops@example.org"] });
 * bindTopic(notify, notifications.topic);
 */
export class NotificationTopic extends Construct {
  /** The SNS topic. */
  public readonly topic: sns.Topic;
  /** The key that encrypts the topic's messages. */
  public readonly masterKey: kms.IKey;

  constructor(scope: Construct, id: string, props: NotificationTopicProps = {}) {
    super(scope, id);
    this.masterKey = props.masterKey ?? this.createKey();
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "nianbao report notifications",
      masterKey: this.masterKey,
      enforceSSL: true,
    });
    for (const address of props.emailSubscribers ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(address));
    }
  }

  /**
   * A customer managed key rather than alias/aws/sns: CloudWatch alarms cannot publish to a
   * topic encrypted with the AWS managed key, whose policy cannot be changed.
   */
  private createKey(): kms.Key {
    const key = new kms.Key(this, "Key", {
      description: "Encrypts nianbao notifications (SNS)",
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarmsToPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    return key;
  }
}
