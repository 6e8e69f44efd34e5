/**
 * SigV4 for the web page in the cloud, bundled by esbuild into one browser ES module
 * (`vendor/sigv4.js` on the web site, see ./stage-web.ts). AWS's own signer does the work;
 * this file only turns a fetch-style request into its HttpRequest and back.
 */
import { Sha256Js } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

/** Temporary credentials, e.g. from Cognito Identity's GetCredentialsForIdentity. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request as `fetch` takes it. */
export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SignOptions {
  readonly region: string;
  /** @default "execute-api" */
  readonly service?: string;
  /** @default - now */
  readonly signingDate?: Date;
}

/**
 * The headers to send with `request`: its own, `host`, `x-amz-date`,
 * `x-amz-security-token` (with a session token) and `authorization`. A browser sets `host`
 * itself (it is a forbidden header name), so `fetch` callers drop it.
 *
 * @example
 * const headers = await signRequest({ method: "GET", url: "https://abc.execute-api.eu-west-1.amazonaws.com/v1/reports" }, credentials, { region: "eu-west-1" });
 * delete headers.host;
 * await fetch(url, { headers });
 */
export async function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  options: SignOptions,
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const headers: Record<string, string> = { host: url.host };
  for (const [key, value] of Object.entries(request.headers ?? {})) headers[key.toLowerCase()] = value;
  const signer = new SignatureV4({
    service: options.service ?? "execute-api",
    region: options.region,
    credentials,
    sha256: Sha256Js,
    // API Gateway (any service but S3) signs the path's segments URI-encoded once more.
    uriEscapePath: true,
    // API Gateway needs no x-amz-content-sha256 header; one less header for CORS to allow.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate: options.signingDate },
  );
  return { ...signed.headers };
}
