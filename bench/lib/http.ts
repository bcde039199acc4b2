/**
 * A small keep-alive HTTP/1.1 client for 127.0.0.1 only: the benchmark measures the apps, so the
 * client should add as little as possible (no fetch/undici machinery, no redirects, no retries).
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class HttpClient {
  private readonly agent: Agent;
  readonly url: URL;

  constructor(
    readonly origin: string,
    maxSockets = 64,
  ) {
    this.url = new URL(origin);
    // Bounded and local by construction: nothing here may reach beyond this machine.
    if (this.url.hostname !== '127.0.0.1') throw new Error(`benchmark requests go to 127.0.0.1 only, not ${origin}`);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
      const req = request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: Number(this.url.port),
          method,
          path,
          headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The value of one cookie from a response's Set-Cookie headers, as a Cookie request header. */
export function cookieFrom(response: HttpResponse, name: string): string {
  for (const line of response.headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    if (pair?.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  throw new Error(`no ${name} cookie in the response (status ${response.status}: ${response.body.toString().slice(0, 200)})`);
}

export interface TrpcResult<T> {
  status: number;
  data?: T;
  error?: { message: string; code: string };
}

function parseTrpc<T>(response: HttpResponse): TrpcResult<T> {
  let parsed: { result?: { data?: T }; error?: { message?: string; data?: { code?: string } } };
  try {
    parsed = JSON.parse(response.body.toString()) as typeof parsed;
  } catch {
    return { status: response.status, error: { message: response.body.toString().slice(0, 200), code: 'NOT_JSON' } };
  }
  if (parsed.error)
    return { status: response.status, error: { message: parsed.error.message ?? '', code: parsed.error.data?.code ?? 'UNKNOWN' } };
  return { status: response.status, data: parsed.result?.data as T };
}

/** GET /api/trpc/<path>?input=<json>, the contract's plain-JSON query. */
export async function trpcQuery<T>(client: HttpClient, path: string, input?: unknown, cookie?: string): Promise<TrpcResult<T>> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return parseTrpc<T>(await client.send('GET', `/api/trpc/${path}${query}`, { headers: cookie ? { cookie } : {} }));
}

/** POST /api/trpc/<path> with the JSON input as the body. */
export async function trpcMutation<T>(
  client: HttpClient,
  path: string,
  input: unknown,
  cookie?: string,
): Promise<{ result: TrpcResult<T>; response: HttpResponse }> {
  const response = await client.send('POST', `/api/trpc/${path}`, {
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  });
  return { result: parseTrpc<T>(response), response };
}

/** A multipart/form-data body, as a browser's FormData would send it. */
export function multipart(
  fields: Record<string, string>,
  file: { field: string; filename: string; contentType: string; bytes: Uint8Array },
): { body: Buffer; contentType: string } {
  const boundary = `----h2sbench${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
