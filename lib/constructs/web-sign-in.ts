import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { IdentityPool, UserPoolAuthenticationProvider } from "aws-cdk-lib/aws-cognito-identitypool";
import type * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { acknowledge } from "../acknowledge.ts";

export interface WebSignInProps {
  /**
   * Origins the page is served from (`https://host`, no path): the sign-in returns to `<origin>/`
   * and the sign-out to the same.
   */
  readonly webOrigins: readonly string[];
  /**
   * Prefix of the hosted UI's domain, `<prefix>.auth.<region>.amazoncognito.com`; unique in
   * the region, lower-case letters, digits and hyphens.
   */
  readonly domainPrefix: string;
  /**
   * What happens to the user pool (its users) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Sign-in for the web page: a Cognito user pool whose users an administrator creates (no
 * self sign-up), a public app client for the browser (authorization code flow with PKCE),
 * the hosted UI's domain, and an identity pool that trades the ID token for temporary AWS
 * credentials of `authenticatedRole` (no guest access). The API grants that role the routes
 * the page uses ({@link RecordsApi.grantWebInvoke}).
 *
 * @example
 * const signIn = new WebSignIn(this, "SignIn", { webOrigins: [site.url], domainPrefix: "nianbao-123456789012" });
 * api.grantWebInvoke(signIn.authenticatedRole);
 */
export class WebSignIn extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;
  public readonly domain: cognito.UserPoolDomain;
  public readonly identityPool: IdentityPool;
  /** The role signed-in users' credentials carry. */
  public readonly authenticatedRole: iam.IRole;
  /** The hosted UI's base URL (no trailing slash). */
  public readonly signInUrl: string;

  constructor(scope: Construct, id: string, props: WebSignInProps) {
    super(scope, id);
    const returnUrls = [...new Set(props.webOrigins)].map((origin) => `${origin}/`);

    this.userPool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      userInvitation: {
        emailSubject: "nianbao 账号 · your nianbao account",
        emailBody: "用户名 Username: {username}<br>临时密码 Temporary password: {####}",
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.client = this.userPool.addClient("WebClient", {
      userPoolClientName: "nianbao-web",
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: returnUrls,
        logoutUrls: returnUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

    this.domain = this.userPool.addDomain("Domain", { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.signInUrl = this.domain.baseUrl();

    this.identityPool = new IdentityPool(this, "IdentityPool", {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      authenticationProviders: {
        userPools: [new UserPoolAuthenticationProvider({ userPool: this.userPool, userPoolClient: this.client })],
      },
    });
    this.authenticatedRole = this.identityPool.authenticatedRole;

    acknowledge(
      this.userPool,
      "AwsSolutions-COG2",
      "MFA is optional: users are created by an administrator and can enrol a TOTP app; making it mandatory is a policy decision left to the operator.",
    );
    acknowledge(
      this.userPool,
      "AwsSolutions-COG8",
      "Threat protection needs the Plus feature plan, billed per monthly active user; the pool has no self sign-up (administrators create every user) and a strong password policy.",
    );
  }
}
