// The query API, seen from the browser. The page is served by the API's own origin
// (the local server), so paths are relative to it; <html data-api="…"> overrides that.
const BASE = (document.documentElement.dataset.api || location.origin).replace(/\/$/, "");

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
  const res = await fetch(apiUrl(path, params), { headers: { accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export async function postJson(path, payload) {
  const res = await fetch(apiUrl(path), {
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
