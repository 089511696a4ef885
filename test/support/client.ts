import type { App } from '../../src/server/app.js';
import { uniqueEmail } from './app.js';

const randomOctet = () => 1 + Math.floor(Math.random() * 254);

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Response = { status: number; body: any; headers: Record<string, unknown>; text: string };

/** A browser-like client over app.inject(): keeps cookies and sends the CSRF header. */
export class TestClient {
  cookies = new Map<string, string>();
  /**
   * Each client is its own machine: per-IP limits (sign-up, sign-in) live in Redis across runs and
   * test files, so clients sharing 127.0.0.1 would trip them. Set it to test those limits.
   */
  remoteAddress = `10.${randomOctet()}.${randomOctet()}.${randomOctet()}`;
  constructor(readonly app: App) {}

  get csrf() {
    return this.cookies.get('mcrm_csrf') ?? '';
  }

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    if (!this.cookies.has('mcrm_csrf') && method !== 'GET') await this.request('GET', '/api/auth/csrf');
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.cookies) {
      if (c.maxAge === 0 || (c.expires && new Date(c.expires).getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers, text: res.body };
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body: unknown) => this.request('PATCH', url, body);
  put = (url: string, body: unknown) => this.request('PUT', url, body);
  delete = (url: string) => this.request('DELETE', url);
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function signUp(app: App, label = 'user'): Promise<TestClient & { email: string; userId: string }> {
  const client = new TestClient(app) as TestClient & { email: string; userId: string };
  client.email = uniqueEmail(label);
  const res = await client.post('/api/auth/signup', { email: client.email, password: TEST_PASSWORD, displayName: label });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  client.userId = res.body.user.id;
  return client;
}
