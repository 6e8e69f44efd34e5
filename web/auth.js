// Sign-in and request signing in the cloud. The deployment puts config.json next to the page
// (API URL, region, Cognito ids); the local stack has none, and then nothing here runs.
// Cloud: the hosted UI signs the user in (authorization code + PKCE), Cognito Identity trades
// the ID token for temporary credentials (GetId, GetCredentialsForIdentity), and every API
// call is signed with SigV4 (vendor/sigv4.js, AWS's signer bundled at deploy time).
import { challengeOf, createVerifier } from "./pkce.js";

const TOKENS = "nianbao.tokens"; // sessionStorage: { idToken, refreshToken, expiresAt }
const PENDING = "nianbao.signin"; // sessionStorage: { verifier, state, hash } during the redirect
const EARLY_MS = 5 * 60 * 1000; // renew tokens and credentials this long before they expire

export class SignInError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "SignInError";
  }
}

/** The cloud config (config.json beside the page), or null on the local stack. */
export async function loadCloudConfig() {
  try {
    const res = await fetch(new URL("./config.json", document.baseURI), { cache: "no-store" });
    if (!res.ok) return null;
    const config = await res.json();
    return config && typeof config.apiUrl === "string" ? config : null;
  } catch {
    return null;
  }
}

/**
 * Signs the user in (redirecting to the hosted UI when there is no session; the returned
 * promise then never settles) and returns `{ apiUrl, email, fetch, signOut }`, whose `fetch`
 * signs each request with the user's temporary credentials.
 */
export async function startCloudSession(config) {
  const returnUrl = `${location.origin}/`;
  const tokenUrl = `${config.signInUrl}/oauth2/token`;
  const params = new URLSearchParams(location.search);

  if (params.has("code") || params.has("error")) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, "", returnUrl + (pending?.hash ?? ""));
    if (params.has("error")) throw new SignInError(`登录失败 Sign-in failed: ${params.get("error_description") ?? params.get("error")}`);
    if (!pending || pending.state !== params.get("state")) throw new SignInError("登录状态不符 Sign-in state mismatch; reload the page.");
    saveTokens(
      await postForm(tokenUrl, {
        grant_type: "authorization_code",
        client_id: config.userPoolClientId,
        code: params.get("code"),
        redirect_uri: returnUrl,
        code_verifier: pending.verifier,
      }),
    );
  }
  if (!loadTokens()) return redirectToSignIn(config, returnUrl);

  const identityUrl = config.identityEndpoint ?? `https://cognito-identity.${config.region}.amazonaws.com/`;
  const provider = `cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
  const signer = import("./vendor/sigv4.js");
  let credentials = null; // { value: Promise<credentials>, expiresAt } (Infinity while being fetched)
  let identityId = null;

  async function idToken() {
    const tokens = loadTokens();
    if (tokens && tokens.expiresAt - EARLY_MS > Date.now()) return tokens.idToken;
    if (tokens?.refreshToken) {
      try {
        const renewed = await postForm(tokenUrl, { grant_type: "refresh_token", client_id: config.userPoolClientId, refresh_token: tokens.refreshToken });
        saveTokens({ refresh_token: tokens.refreshToken, ...renewed });
        return renewed.id_token;
      } catch {
        // The refresh token expired or was revoked: sign in again below.
      }
    }
    sessionStorage.removeItem(TOKENS);
    return redirectToSignIn(config, returnUrl);
  }

  // One request for credentials at a time: the page's first calls start together.
  function currentCredentials() {
    if (!credentials || credentials.expiresAt - EARLY_MS <= Date.now()) {
      const entry = { expiresAt: Infinity, value: null };
      entry.value = fetchCredentials().then(
        (fetched) => {
          entry.expiresAt = fetched.expiresAt;
          return fetched.value;
        },
        (error) => {
          if (credentials === entry) credentials = null;
          throw error;
        },
      );
      credentials = entry;
    }
    return credentials.value;
  }

  async function fetchCredentials() {
    const logins = { [provider]: await idToken() };
    identityId ??= (await callIdentity(identityUrl, "GetId", { IdentityPoolId: config.identityPoolId, Logins: logins })).IdentityId;
    const { Credentials: c } = await callIdentity(identityUrl, "GetCredentialsForIdentity", { IdentityId: identityId, Logins: logins });
    const value = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken };
    return { value, expiresAt: Number(c.Expiration) * 1000 };
  }

  async function signedFetch(url, init = {}) {
    const [{ signRequest }, creds] = await Promise.all([signer, currentCredentials()]);
    const method = init.method ?? "GET";
    const headers = await signRequest({ method, url: String(url), headers: init.headers ?? {}, body: init.body }, creds, { region: config.region });
    delete headers.host; // the browser sets it (a forbidden header name)
    return fetch(url, { ...init, method, headers });
  }

  function signOut() {
    sessionStorage.removeItem(TOKENS);
    location.assign(`${config.signInUrl}/logout?${new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: returnUrl })}`);
  }

  return { apiUrl: config.apiUrl, email: claimsOf(loadTokens().idToken).email ?? "", fetch: signedFetch, signOut };
}

async function redirectToSignIn(config, returnUrl) {
  const verifier = createVerifier();
  const state = createVerifier();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.userPoolClientId,
    redirect_uri: returnUrl,
    scope: "openid email",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`${config.signInUrl}/oauth2/authorize?${query}`);
  return new Promise(() => {}); // the page is leaving
}

async function postForm(url, fields) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new SignInError(`登录失败 Sign-in failed: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}`);
  return body;
}

async function callIdentity(url, action, payload) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityService.${action}` },
    body: JSON.stringify(payload),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new SignInError(`Cognito Identity ${action}: ${body.message ?? body.__type ?? `HTTP ${res.status}`}`);
  return body;
}

function saveTokens(t) {
  const tokens = { idToken: t.id_token, refreshToken: t.refresh_token, expiresAt: Date.now() + Number(t.expires_in ?? 3600) * 1000 };
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
}

function loadTokens() {
  const tokens = JSON.parse(sessionStorage.getItem(TOKENS) ?? "null");
  return tokens?.idToken ? tokens : null;
}

/** The claims of a JWT (not verified: Cognito Identity verifies it; this only reads the e-mail). */
function claimsOf(jwt) {
  try {
    const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
  } catch {
    return {};
  }
}
