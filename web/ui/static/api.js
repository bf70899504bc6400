// api.js — a small fetch wrapper for Parley's JSON API.
//
// Every call sends and receives JSON with the session cookie (same-origin).
// A non-2xx answer throws an ApiError carrying the server's
// {"error":{"code","message"}} message, the code and the HTTP status.

export class ApiError extends Error {
  constructor(message, { status = 0, code = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the API and returns the decoded JSON body (null for an empty body,
 * such as 204 No Content).
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON when given
 * @param {{signal?: AbortSignal}} [opts]
 */
export async function request(method, path, body, opts = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    signal: opts.signal,
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError("Cannot reach the server. Check your connection.", { code: "network" });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = data && data.error;
    const message = (e && e.message) || `${res.status} ${res.statusText || "request failed"}`.trim();
    throw new ApiError(message, { status: res.status, code: (e && e.code) || "" });
  }
  return data;
}

export const get = (path, opts) => request("GET", path, undefined, opts);
export const post = (path, body, opts) => request("POST", path, body, opts);
export const put = (path, body, opts) => request("PUT", path, body, opts);
export const del = (path, opts) => request("DELETE", path, undefined, opts);

/** True when err means the session is gone and the user must log in again. */
export function isUnauthorized(err) {
  return err instanceof ApiError && (err.status === 401 || err.code === "unauthorized");
}
