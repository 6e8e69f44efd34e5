import { DockerImage, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct, type IConstruct } from "constructs";
import { WEB_DIR } from "../../local/web.ts";
import { acknowledge, nagArn } from "../acknowledge.ts";
import { stageWeb } from "../web/stage-web.ts";
import { rateLimitedWebAcl } from "./records-api.ts";
import { cloudConnectSources, contentSecurityPolicy } from "../web/content-security-policy.ts";

export interface WebSiteProps {
  /**
   * Bucket for the S3 server access logs of the site's bucket.
   * @default - no server access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Key prefix of those logs.
   * @default "web/"
   */
  readonly accessLogsPrefix?: string;
  /**
   * A WAF web ACL (scope CLOUDFRONT, made in us-east-1) for the distribution. A stack in
   * us-east-1 makes its own rate-limited one when none is given; elsewhere give one (context
   * `cloudFrontWebAclArn`), since CloudFront's web ACLs live only in us-east-1.
   * @default - its own in us-east-1, none elsewhere
   */
  readonly webAclArn?: string;
}

/**
 * What the page reads from `config.json` in the cloud: where the API is and how to sign in.
 * Values may be CloudFormation tokens (the deployment resolves them).
 */
export interface WebConfig {
  /** The API's base URL (the stage URL, ending in "/"). */
  readonly apiUrl: string;
  /** Region of the API and of Cognito. */
  readonly region: string;
  /** Cognito user pool the page signs in with. */
  readonly userPoolId: string;
  /** The page's app client of that user pool (public client, code flow with PKCE). */
  readonly userPoolClientId: string;
  /** The user pool's hosted UI, e.g. `https://nianbao-123456789012.auth.eu-west-1.amazoncognito.com`. */
  readonly signInUrl: string;
  /** Cognito identity pool that turns the ID token into temporary AWS credentials. */
  readonly identityPoolId: string;
}

/**
 * The web page in the cloud: a private, encrypted S3 bucket (public access blocked, TLS only)
 * read by a CloudFront distribution through Origin Access Control, HTTPS only, `index.html`
 * at the root. {@link WebSite.publish} deploys `web/`, its vendor files, the SigV4 signer
 * bundle and `config.json`.
 *
 * The bucket and distribution come first and depend on nothing else of the stack, so the
 * distribution's domain can be the CORS origin of the API and the ingest bucket; the files,
 * whose config names the API, are published afterwards.
 *
 * @example
 * const site = new WebSite(this, "Web", { accessLogsBucket: buckets.accessLogs });
 * site.publish({ apiUrl: api.url, region: this.region, ... });
 */
export class WebSite extends Construct {
  /** The page's files. */
  public readonly bucket: s3.Bucket;
  /** Serves the bucket over HTTPS. */
  public readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`, the page's origin (no trailing slash). */
  public readonly url: string;
  private deployment?: s3deploy.BucketDeployment;
  private readonly webAclAttached: boolean;

  constructor(scope: Construct, id: string, props: WebSiteProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? (props.accessLogsPrefix ?? "web/") : undefined,
      // Only the deployment writes here, and it empties the bucket when it is deleted (retainOnDelete: false).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const region = Stack.of(this).region;
    const webAclArn = props.webAclArn ?? (region === "us-east-1" ? rateLimitedWebAcl(this, "WebAcl", "CLOUDFRONT", 2000).attrArn : undefined);
    this.webAclAttached = webAclArn !== undefined;
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "nianbao web page",
      ...(webAclArn ? { webAclId: webAclArn } : {}),
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders(),
        compress: true,
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.acknowledgeFindings();
  }

  /**
   * The page's response headers: a Content-Security-Policy that runs the page's own scripts only
   * (no inline script, no eval, no plug-ins, not framed) and lets it call only AWS's API Gateway,
   * Cognito and S3 endpoints of this region; HSTS for two years with subdomains; nosniff; no
   * framing; no referrer beyond the origin.
   */
  private securityHeaders(): cloudfront.ResponseHeadersPolicy {
    const region = Stack.of(this).region;
    return new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "nianbao web page: strict CSP, HSTS",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(cloudConnectSources(region)), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
  }

  /**
   * Deploys the page with its `config.json` (once) and invalidates the distribution's cache.
   * The page's files are staged at synth time (local bundling: no Docker), see lib/web/stage-web.ts.
   */
  public publish(config: WebConfig): s3deploy.BucketDeployment {
    if (this.deployment) throw new Error(`${this.node.path}: the web site is published once`);
    const files = s3deploy.Source.asset(WEB_DIR, {
      bundling: {
        // Never pulled: local bundling always succeeds.
        image: DockerImage.fromRegistry("public.ecr.aws/docker/library/node:20-slim"),
        local: {
          tryBundle(outputDir: string): boolean {
            stageWeb(outputDir);
            return true;
          },
        },
      },
    });
    this.deployment = new s3deploy.BucketDeployment(this, "Deployment", {
      destinationBucket: this.bucket,
      sources: [files, s3deploy.Source.jsonData("config.json", config)],
      prune: true,
      retainOnDelete: false,
      distribution: this.distribution,
      distributionPaths: ["/*"],
      // Browsers revalidate every file (the modules must not mix two deployments); the edge
      // keeps them a day, and each deployment invalidates it.
      cacheControl: [s3deploy.CacheControl.fromString("public, max-age=0, must-revalidate, s-maxage=86400")],
      memoryLimit: 256,
      logGroup: new logs.LogGroup(this, "DeploymentLog", {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.acknowledgeDeploymentFindings();
    return this.deployment;
  }

  private acknowledgeFindings(): void {
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR1",
      "The page is for every region's readers and holds no data itself; the API behind it is IAM-authorised, so geo restrictions add nothing.",
    );
    if (!this.webAclAttached) {
      acknowledge(
        this.distribution,
        "AwsSolutions-CFR2",
        "CloudFront's web ACLs live in us-east-1 only: outside it, pass one made there (context cloudFrontWebAclArn). The data is behind the API, which has its own rate-limited web ACL.",
      );
    }
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR3",
      "CloudFront standard logs need an ACL-enabled bucket; the page is static and every data access is logged by API Gateway's access log and the bucket's server access log.",
    );
    acknowledge(
      this.distribution,
      "AwsSolutions-CFR4",
      "The distribution uses its default *.cloudfront.net certificate, for which CloudFront allows no minimum TLS policy; a custom domain with an ACM certificate (TLSv1.2_2021) lifts this.",
    );
  }

  private acknowledgeDeploymentFindings(): void {
    // The deployment's Lambda is a stack-wide singleton (one per stack), not under this construct.
    const handler = Stack.of(this)
      .node.children.find((c: IConstruct) => c.node.id.startsWith("Custom::CDKBucketDeployment"));
    if (!handler) return;
    acknowledge(
      handler,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "CDK's BucketDeployment handler: AWS's basic execution policy only lets it write its own CloudWatch logs.",
    );
    const policy = handler.node.tryFindChild("ServiceRole")?.node.tryFindChild("DefaultPolicy");
    if (policy) {
      const bucket = nagArn(this.bucket);
      for (const [finding, reason] of [
        ["Action::s3:GetObject*", "reads the staged assets"],
        ["Action::s3:GetBucket*", "reads the staged assets"],
        ["Action::s3:List*", "lists the site's bucket to prune files no longer in web/"],
        ["Action::s3:DeleteObject*", "prunes files no longer in web/ from the site's bucket"],
        ["Action::s3:Abort*", "aborts its own multipart uploads to the site's bucket"],
        ["Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*", "reads the staged assets from CDK's bootstrap bucket"],
        [`Resource::${bucket}/*`, "writes every file of the page into the site's bucket"],
        ["Resource::*", "creates CloudFront invalidations, which have no resource-level permissions"],
      ] as const) {
        acknowledge(policy, `AwsSolutions-IAM5[${finding}]`, `CDK's BucketDeployment grant: the deployment ${reason} during deployments only.`);
      }
    }
    acknowledge(
      handler,
      "AwsSolutions-L1",
      "CDK's BucketDeployment handler pins its own Python runtime with the AWS CLI layer; it runs only during deployments.",
    );
  }
}
