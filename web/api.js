// The query API, seen from the browser. Locally the page is served by the API's own origin
// (the local server), so paths are relative to it; <html data-api="…"> overrides that. In
// the cloud config.json names the API and every call is signed (see auth.js); the modules
// that import this one wait until the user is signed in.
import { loadCloudConfig, startCloudSession } from "./auth.js";

const cloud = await connect();
const BASE = (cloud?.apiUrl || document.documentElement.dataset.api || location.origin).replace(/\/$/, "");
/** `fetch`, signed with SigV4 in the cloud. */
const send = cloud ? cloud.fetch : (url, init) => fetch(url, init);

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.parameter = body?.parameter;
  }
}

export function apiUrl(path, params = {}) {
  const url = new URL(BASE + path);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  return url.toString();
}

export async function getJson(path, params) {
  const res = await send(apiUrl(path, params), { headers: { accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export async function postJson(path, payload) {
  const res = await send(apiUrl(path), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(payload),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

let template;
/** The template's tables and labels (GET /template), fetched once. */
export function getTemplate() {
  template ??= getJson("/template");
  return template;
}

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function connect() {
  const config = await loadCloudConfig();
  if (!config) return null;
  try {
    const session = await startCloudSession(config);
    showSession(session);
    // Links into the API (CSV export, the OpenAPI document) need signatures too: fetched signed, saved as files.
    document.addEventListener("click", (event) => {
      const link = event.target.closest?.("a[href]");
      if (!link || !link.href.startsWith(config.apiUrl)) return;
      event.preventDefault();
      void downloadSigned(session, link.href);
    });
    return session;
  } catch (error) {
    document.body.insertAdjacentHTML(
      "afterbegin",
      `<p class="error" id="sign-in-error">${escapeHtml(error.message)} <a href="./">重新登录 Sign in again</a></p>`,
    );
    sessionStorage.clear();
    throw error;
  }
}

function showSession(session) {
  const el = document.getElementById("session");
  if (!el) return;
  el.hidden = false;
  el.querySelector("#session-user").textContent = session.email;
  el.querySelector("#sign-out").addEventListener("click", () => session.signOut());
}

async function downloadSigned(session, url) {
  // API Gateway returns a workbook's bytes only to a caller that accepts its (binary) type.
  const accept = new URL(url).pathname.endsWith(".xlsx") ? { headers: { accept: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } } : {};
  const res = await session.fetch(url, accept);
  if (!res.ok) return alert(`HTTP ${res.status}`);
  const href = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href, download: new URL(url).pathname.split("/").pop() || "download" });
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

const apiLink = document.getElementById("api-link");
if (apiLink) apiLink.href = apiUrl("/openapi.json");
