/** Calls to the broker's /api/v1 (same origin). A bearer token (http.auth.token) is kept for the tab when the endpoint asks for one. */

import { ApiError } from '../src/console/api-error.js';

const TOKEN_KEY = 'sluice-console-token';

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

type Listener = () => void;
const tokenListeners = new Set<Listener>();
/** Called when the endpoint answers 401 for want of the bearer token. */
export function onTokenNeeded(listener: Listener): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = { code: 'HTTP_' + response.status, message: text.trim() };
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string };
    if (response.status === 401 && (response.headers.get('www-authenticate') ?? '').startsWith('Bearer')) for (const listener of tokenListeners) listener();
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? response.statusText);
  }
  return parsed as T;
}

export const enc = encodeURIComponent;
