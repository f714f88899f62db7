/** Calls a broker's console API (`/api/v1/...`) in tests: JSON in, status and JSON out. */

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ConsoleApi {
  constructor(
    readonly httpPort: number,
    private readonly headers: Record<string, string> = {},
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const response = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    // The endpoint's own 401 (bearer token) is text; every console answer is JSON.
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, body: (json ? JSON.parse(text) : text) as T, headers: response.headers };
  }

  /** The body of a call that must answer `status` (200 by default); fails with the answer otherwise. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
    const result = await this.call<T>(method, path, body);
    if (result.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
    return result.body;
  }
}
