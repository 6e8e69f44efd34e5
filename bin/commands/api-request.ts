/**
 * Requests to the nianbao API from the CLI: the local stack's (unsigned, as the web page calls it
 * there) or a deployed one, whose routes are AWS_IAM-authorised, so requests to any host but
 * the loopback are signed with SigV4 (../../lib/web/sign-request.ts, the web page's signer) with
 * the credentials of the AWS SDK's default chain (environment, profile, SSO, instance role).
 */
import { NianbaoError } from "../../functions/shared/errors.ts";
import { signRequest, type SigningCredentials } from "../../lib/web/sign-request.ts";

export type ApiRequester = {
  endpoint: string;
  request(method: "GET" | "POST", path: string, body?: unknown): Promise<Response>;
};

export type SigningOptions = { region: string; credentials: () => Promise<SigningCredentials> };

/** No answer at all: the message a Chinese reader sees, and what to do. */
export class ApiUnreachableError extends NianbaoError {
  constructor(endpoint: string, options?: ErrorOptions) {
    super(`无法连接 API：${endpoint}（本地请先运行 npm start，或用 --endpoint URL 指定 API 地址）`, options);
    this.name = "ApiUnreachableError";
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The region of an API Gateway URL (`https://abc.execute-api.<region>.amazonaws.com[.cn]/…`), else the environment's. */
export function regionOf(endpoint: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(endpoint).hostname)?.[1] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/** The SDK's default credential chain, through a client the project already depends on. */
async function defaultCredentials(region: string): Promise<SigningCredentials> {
  const { SFNClient } = await import("@aws-sdk/client-sfn");
  const client = new SFNClient({ region });
  try {
    return await client.config.credentials();
  } catch (error) {
    throw new NianbaoError(`没有可用的 AWS 凭证，无法签名请求（请配置 AWS_PROFILE 或 AWS_ACCESS_KEY_ID）：${(error as Error).message}`, { cause: error });
  } finally {
    client.destroy();
  }
}

/** How a request to `endpoint` is signed: not at all on the loopback, else SigV4 for execute-api. */
export function signingFor(endpoint: string): SigningOptions | undefined {
  if (LOOPBACK.has(new URL(endpoint).hostname)) return undefined;
  const region = regionOf(endpoint);
  if (!region) throw new NianbaoError(`无法确定 ${endpoint} 所在的 AWS 区域，请设置 AWS_REGION`);
  return { region, credentials: () => defaultCredentials(region) };
}

/**
 * @example
 * const api = createApiRequester("http://127.0.0.1:3000");
 * const res = await api.request("POST", "/exports", { format: "csv", filters: {} });
 */
export function createApiRequester(endpoint: string, signing: SigningOptions | undefined = signingFor(endpoint)): ApiRequester {
  return {
    endpoint,
    async request(method, path, body) {
      const url = `${endpoint}${path}`;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      let headers: Record<string, string> = payload === undefined ? {} : { "content-type": "application/json" };
      if (signing) {
        headers = await signRequest({ method, url, headers, ...(payload !== undefined ? { body: payload } : {}) }, await signing.credentials(), { region: signing.region });
        // fetch sets host itself.
        delete headers.host;
      }
      try {
        return await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      } catch (error) {
        throw new ApiUnreachableError(endpoint, { cause: error });
      }
    },
  };
}
