// The console's only way to the server: the public /api/v1, same origin. The access token is
// kept in this module's memory only — not in a cookie, localStorage or sessionStorage — so a
// reload means signing in again (the route in the URL is kept), and nothing stored in the
// browser can be stolen or replayed. It travels in the Authorization header, which a browser
// never adds on its own: another site cannot make requests with it (no CSRF).
const BASE = "/api/v1";
let token = null;
let unauthorized = () => {};

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? "network" : null);
    this.detail = problem.detail || null;
    this.errors = problem.errors || null;          // per-field messages of a 422
    this.retryAfter = Number(problem.retry_after || retryAfter) || null;
  }
}

export function signedIn() {
  return token !== null;
}

export function forget() {
  token = null;
}

// Called when a request with a token is refused 401 (expired, revoked): back to the login.
export function onUnauthorized(callback) {
  unauthorized = callback;
}

export function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export async function request(path, { method = "GET", query, body } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(BASE + path + queryString(query), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store", redirect: "error",
    });
  } catch {
    throw new ApiError(0);                        // offline, or the gateway is not answering
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data || {}, response.headers.get("Retry-After"));
    if (response.status === 401 && token) {
      token = null;
      unauthorized(error);
    }
    throw error;
  }
  return data;
}

export async function login(email, password) {
  const answer = await request("/auth/token", { method: "POST", body: { email, password } });
  token = answer.access_token;
}
