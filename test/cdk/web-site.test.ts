/**
 * The web page in the cloud: hosting (S3 + CloudFront with OAC), its deployment with
 * config.json, sign-in (Cognito user pool and identity pool), what signed-in users may call,
 * and the CORS origin of the API and the ingest bucket.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { NianbaoStack } from "../../lib/nianbao-stack.ts";
import { SIGNER_FILE, stageWeb } from "../../lib/web/stage-web.ts";
import { createApp } from "./synth.ts";

const CUSTOM_ORIGIN = "https://nianbao.example.org";

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string | string[] };

let stack: NianbaoStack;
let template: Template;
let assemblyDir: string;
let custom: NianbaoStack;
let customTemplate: Template;

function logicalId(construct: IConstruct): string {
  const element = (CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

function resourcesOf(t: Template, type: string): Array<[string, Resource]> {
  return Object.entries(t.findResources(type)) as Array<[string, Resource]>;
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** `https://` + the distribution's domain, as CloudFormation renders it. */
function distributionOrigin(s: NianbaoStack): unknown {
  return { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [logicalId(s.web.distribution), "DomainName"] }]] };
}

beforeAll(() => {
  // Bundling skipped: these checks read the template (the site's files are checked below, staged directly).
  const app = createApp({ bundling: false });
  stack = new NianbaoStack(app, "NianbaoWeb");
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;

  const customApp = createApp({ bundling: false });
  customApp.node.setContext("webOrigin", CUSTOM_ORIGIN);
  custom = new NianbaoStack(customApp, "NianbaoWebCustom");
  customTemplate = Template.fromStack(custom);
});

describe("hosting", () => {
  it("keeps the site's bucket private, encrypted and TLS-only, readable by the distribution alone", () => {
    const bucketId = logicalId(stack.web.bucket);
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.buckets.accessLogs) }, LogFilePrefix: "web/" },
    });
    const policy = only(resourcesOf(template, "AWS::S3::BucketPolicy").filter(([, p]) => p.Properties.Bucket.Ref === bucketId))[1];
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Condition: {
          StringEquals: {
            "AWS:SourceArn": {
              "Fn::Join": ["", expect.arrayContaining([{ Ref: logicalId(stack.web.distribution) }])],
            },
          },
        },
      }),
    ]);
  });

  it("reads the bucket through Origin Access Control, not an origin access identity", () => {
    const [oacId, oac] = only(resourcesOf(template, "AWS::CloudFront::OriginAccessControl"));
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" });
    template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    const distribution = only(resourcesOf(template, "AWS::CloudFront::Distribution"))[1];
    const origin = only(distribution.Properties.DistributionConfig.Origins as Array<Record<string, any>>);
    expect(origin.OriginAccessControlId).toEqual({ "Fn::GetAtt": [oacId, "Id"] });
    expect(origin.DomainName).toEqual({ "Fn::GetAtt": [logicalId(stack.web.bucket), "RegionalDomainName"] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: "" });
  });

  it("serves HTTPS only with index.html at the root", () => {
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        Enabled: true,
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: "https-only", AllowedMethods: ["GET", "HEAD"] }),
      }),
    });
  });

  it("stages web/, the vendor files and the SigV4 signer bundle for the deployment", () => {
    const dir = mkdtempSync(join(tmpdir(), "nianbao-web-stage-"));
    try {
      stageWeb(dir);
      const html = readFileSync(join(dir, "index.html"), "utf8");
      const referenced = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
      expect(referenced).toEqual(expect.arrayContaining(["style.css", "vendor/chart.umd.min.js", "app.js"]));
      for (const file of [...referenced, "api.js", "auth.js", "pkce.js", SIGNER_FILE]) expect(existsSync(join(dir, file)), file).toBe(true);
      expect(readFileSync(join(dir, SIGNER_FILE), "utf8")).toMatch(/export\s*\{[^}]*signRequest/);
      // The source pane's pdf.js: the files web/source-pane.js imports, deployed beside it.
      const pane = readFileSync(join(dir, "source-pane.js"), "utf8");
      for (const [, file] of pane.matchAll(/"\.\/(vendor\/pdf[^"]+)"/g)) expect(readFileSync(join(dir, file!), "utf8"), file).toMatch(/pdfjs|PDFWorker|GlobalWorkerOptions/);
      expect([...pane.matchAll(/"\.\/(vendor\/pdf[^"]+)"/g)].map((m) => m[1])).toEqual(["vendor/pdf.min.js", "vendor/pdf.worker.min.js"]);
      for (const file of ["vendor/pdfjs-cmaps/UniGB-UCS2-H.bcmap", "vendor/pdfjs-fonts/FoxitSerif.pfb"]) expect(existsSync(join(dir, file)), file).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("response headers", () => {
  it("sends a strict Content-Security-Policy, HSTS, nosniff and no framing with every file of the page", () => {
    const [policyId, policy] = only(resourcesOf(template, "AWS::CloudFront::ResponseHeadersPolicy"));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(stack.resolve(headers.ContentSecurityPolicy.ContentSecurityPolicy));
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("execute-api.");
    expect(csp).toContain("amazoncognito.com");
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true, Preload: true, Override: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: "DENY" });
    const [, distribution] = only(resourcesOf(template, "AWS::CloudFront::Distribution"));
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});

describe("web ACL of the distribution", () => {
  it("attaches a rate-limited CLOUDFRONT web ACL in us-east-1, and a given one elsewhere", () => {
    const east = new NianbaoStack(createApp({ bundling: false }), "NianbaoEast", { env: { account: "123456789012", region: "us-east-1" } });
    const eastTemplate = Template.fromStack(east);
    const acls = Object.entries(eastTemplate.findResources("AWS::WAFv2::WebACL")).map(([id, r]) => [id, (r as Resource).Properties.Scope] as const);
    const cloudFront = acls.filter(([, scope]) => scope === "CLOUDFRONT");
    expect(cloudFront).toHaveLength(1);
    eastTemplate.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({ WebACLId: { "Fn::GetAtt": [cloudFront[0]![0], "Arn"] } }),
    });
    const givenApp = createApp({ bundling: false });
    givenApp.node.setContext("cloudFrontWebAclArn", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/abc");
    const given = Template.fromStack(new NianbaoStack(givenApp, "NianbaoGiven", { env: { account: "123456789012", region: "eu-west-1" } }));
    given.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({ WebACLId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/abc" }),
    });
  });
});

describe("deployment", () => {
  it("publishes the files and config.json to the site's bucket, pruning old files, invalidating the distribution, revalidated by browsers", () => {
    const deployment = only(resourcesOf(template, "Custom::CDKBucketDeployment"))[1];
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: logicalId(stack.web.bucket) },
      DistributionId: { Ref: logicalId(stack.web.distribution) },
      DistributionPaths: ["/*"],
      Prune: true,
      RetainOnDelete: false,
      SystemMetadata: { "cache-control": "public, max-age=0, must-revalidate, s-maxage=86400" },
    });
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  it("writes config.json with the API URL, the region and the Cognito ids", () => {
    // Prepare: config.json as staged, with the deployment's markers replaced by their CloudFormation values.
    const deployment = only(resourcesOf(template, "Custom::CDKBucketDeployment"))[1];
    const index = (deployment.Properties.SourceMarkers as Array<Record<string, unknown>>).findIndex((m) => Object.keys(m).length > 0);
    const markers = deployment.Properties.SourceMarkers[index] as Record<string, unknown>;
    const asset = String(deployment.Properties.SourceObjectKeys[index]).replace(/\.zip$/, "");
    const raw = readFileSync(join(assemblyDir, `asset.${asset}`, "config.json"), "utf8");
    const config = JSON.parse(raw) as Record<string, string>;
    const resolve = (value: string): unknown[] =>
      value.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean).map((part) => (part in markers ? markers[part] : part));
    // Assess
    expect(Object.keys(config).sort()).toEqual(["apiUrl", "identityPoolId", "region", "signInUrl", "userPoolClientId", "userPoolId"]);
    expect(resolve(config.apiUrl!)).toEqual([
      "https://",
      { Ref: logicalId(stack.api.api) },
      ".execute-api.",
      { Ref: "AWS::Region" },
      ".",
      { Ref: "AWS::URLSuffix" },
      "/",
      { Ref: logicalId(stack.api.api.deploymentStage) },
      "/",
    ]);
    expect(resolve(config.region!)).toEqual([{ Ref: "AWS::Region" }]);
    expect(resolve(config.userPoolId!)).toEqual([{ Ref: logicalId(stack.signIn.userPool) }]);
    expect(resolve(config.userPoolClientId!)).toEqual([{ Ref: logicalId(stack.signIn.client) }]);
    expect(resolve(config.identityPoolId!)).toEqual([{ Ref: logicalId(stack.signIn.identityPool) }]);
    expect(resolve(config.signInUrl!)).toEqual(["https://", { Ref: logicalId(stack.signIn.domain) }, ".auth.", { Ref: "AWS::Region" }, ".amazoncognito.com"]);
  });
});

describe("sign-in", () => {
  it("lets only administrators create users, with a strong password policy and optional MFA", () => {
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      MfaConfiguration: "OPTIONAL",
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
    });
  });

  it("gives the browser a public client with the code flow, returning to the distribution", () => {
    const client = only(resourcesOf(template, "AWS::Cognito::UserPoolClient"))[1];
    const returnUrl = { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [logicalId(stack.web.distribution), "DomainName"] }, "/"]] };
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email"],
      SupportedIdentityProviders: ["COGNITO"],
      CallbackURLs: [returnUrl],
      LogoutURLs: [returnUrl],
    });
  });

  it("names the hosted UI's domain after the stack and the account", () => {
    template.hasResourceProperties("AWS::Cognito::UserPoolDomain", {
      Domain: { "Fn::Join": ["", ["nianbaoweb-", { Ref: "AWS::AccountId" }]] },
      UserPoolId: { Ref: logicalId(stack.signIn.userPool) },
    });
  });

  it("has an identity pool without guest access, trusting the user pool's client", () => {
    const pool = only(resourcesOf(template, "AWS::Cognito::IdentityPool"))[1];
    expect(pool.Properties.AllowUnauthenticatedIdentities).toBe(false);
    expect(pool.Properties.AllowClassicFlow).toBe(false);
    expect(pool.Properties.CognitoIdentityProviders).toEqual([
      expect.objectContaining({ ClientId: { Ref: logicalId(stack.signIn.client) } }),
    ]);
  });

  it("lets signed-in users invoke only the API's GET routes, POST /uploads, POST /reports/{id}/reviews and POST /exports", () => {
    const roleId = logicalId(stack.signIn.authenticatedRole);
    const role = template.toJSON().Resources[roleId] as Resource;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('"cognito-identity.amazonaws.com:amr":"authenticated"');
    const statements = resourcesOf(template, "AWS::IAM::Policy")
      .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    const routeArn = (route: string) => ({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":execute-api:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":",
          { Ref: logicalId(stack.api.api) },
          "/",
          { Ref: logicalId(stack.api.api.deploymentStage) },
          route,
        ],
      ],
    });
    expect(statements).toEqual([{ Effect: "Allow", Action: "execute-api:Invoke", Resource: [routeArn("/GET/*"), routeArn("/POST/uploads"), routeArn("/POST/reports/*/reviews"), routeArn("/POST/exports")] }]);
  });
});

describe("CORS origin", () => {
  it("is the distribution's https origin by default, for the API and the ingest bucket", () => {
    const origin = distributionOrigin(stack);
    template.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [origin], AllowedMethods: ["POST", "GET"] })] },
    });
    template.hasResourceProperties("AWS::Lambda::Function", { Environment: { Variables: Match.objectLike({ WEB_ORIGIN: origin }) } });
    const preflight = resourcesOf(template, "AWS::ApiGateway::Method").filter(([, m]) => m.Properties.HttpMethod === "OPTIONS");
    expect(preflight.length).toBeGreaterThan(0);
    for (const [, method] of preflight) {
      const header = method.Properties.Integration.IntegrationResponses[0].ResponseParameters["method.response.header.Access-Control-Allow-Origin"];
      expect(header).toEqual({ "Fn::Join": ["", ["'https://", { "Fn::GetAtt": [logicalId(stack.web.distribution), "DomainName"] }, "'"]] });
    }
  });

  it("is the context's webOrigin when one is given, which is also a sign-in return URL", () => {
    customTemplate.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [CUSTOM_ORIGIN] })] },
    });
    customTemplate.hasResourceProperties("AWS::Lambda::Function", { Environment: { Variables: Match.objectLike({ WEB_ORIGIN: CUSTOM_ORIGIN }) } });
    customTemplate.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseParameters: Match.objectLike({ "gatewayresponse.header.Access-Control-Allow-Origin": `'${CUSTOM_ORIGIN}'` }),
    });
    const client = only(resourcesOf(customTemplate, "AWS::Cognito::UserPoolClient"))[1];
    expect(client.Properties.CallbackURLs).toEqual([
      { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [logicalId(custom.web.distribution), "DomainName"] }, "/"]] },
      `${CUSTOM_ORIGIN}/`,
    ]);
  });

  it("leaves the template without a dependency cycle", () => {
    for (const t of [template, customTemplate]) expect(findCycle(t.toJSON().Resources as Record<string, Resource>)).toEqual([]);
  });
});

/** A cycle of Ref / GetAtt / Sub / DependsOn edges between resources, or [] when there is none. */
function findCycle(resources: Record<string, Resource>): string[] {
  const edges = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) return value.forEach((v) => collect(v, into));
    if (!value || typeof value !== "object") return;
    for (const [key, v] of Object.entries(value)) {
      if (key === "Ref" && typeof v === "string" && v in resources) into.add(v);
      else if (key === "Fn::GetAtt") into.add(Array.isArray(v) ? String(v[0]) : String(v).split(".")[0]!);
      else if (key === "Fn::Sub") {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of text.matchAll(/\$\{([^}.!]+)/g)) if (m[1]! in resources) into.add(m[1]!);
        collect(v, into);
      } else collect(v, into);
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const into = new Set<string>([resource.DependsOn ?? []].flat());
    collect(resource.Properties ?? {}, into);
    edges.set(id, into);
  }
  const state = new Map<string, "open" | "done">();
  const visit = (id: string, path: string[]): string[] => {
    state.set(id, "open");
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === "open") return [...path, next];
      if (!state.has(next)) {
        const cycle = visit(next, [...path, next]);
        if (cycle.length) return cycle;
      }
    }
    state.set(id, "done");
    return [];
  };
  for (const id of edges.keys()) {
    if (state.has(id)) continue;
    const cycle = visit(id, [id]);
    if (cycle.length) return cycle;
  }
  return [];
}
