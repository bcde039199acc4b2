/**
 * How many live streams are held open (issue 20, item 6): at most `perSession` per session (a tab
 * each; 2,000 on one session were accepted before) and `perProcess` in all, from configuration
 * (LIVE_STREAMS_PER_SESSION, LIVE_STREAMS_PER_PROCESS). Beyond either, 429.
 */
export const DEFAULT_STREAMS_PER_SESSION = 8;
export const DEFAULT_STREAMS_PER_PROCESS = 2_000;

export class StreamAdmission {
  readonly #bySession = new Map<string, number>();
  #total = 0;

  constructor(
    readonly perSession = DEFAULT_STREAMS_PER_SESSION,
    readonly perProcess = DEFAULT_STREAMS_PER_PROCESS,
  ) {}

  /** A release function for an admitted stream (call it once, when it ends), or why it is refused. */
  admit(key: string | null): { release: () => void } | { refused: string } {
    if (this.#total >= this.perProcess) return { refused: 'This server holds as many live streams as it can; try again shortly.' };
    const held = key === null ? 0 : (this.#bySession.get(key) ?? 0);
    if (key !== null && held >= this.perSession)
      return { refused: `At most ${this.perSession} live streams per session; close another tab or window.` };
    this.#total++;
    if (key !== null) this.#bySession.set(key, held + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        if (key === null) return;
        const left = (this.#bySession.get(key) ?? 1) - 1;
        if (left > 0) this.#bySession.set(key, left);
        else this.#bySession.delete(key);
      },
    };
  }

  get size(): number {
    return this.#total;
  }
}

/** The 429 for a stream over a cap, in tRPC's error shape. */
export function refuseStream(res: import('node:http').ServerResponse, message: string): void {
  const body = JSON.stringify({ error: { message, code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 } } });
  res.writeHead(429, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'retry-after': '10' });
  res.end(body);
}

/**
 * Serves a live stream only when admitted: counted against the session (or, for an anonymous tracking
 * stream, its token) and the process, released when the response closes. The node server's
 * subscription handler wraps its `serve` with it (server.ts).
 */
export function serveAdmitted(
  admission: StreamAdmission,
  request: { res: import('node:http').ServerResponse; ctx: { sessionKey: string | null }; input: unknown },
  serve: () => Promise<void>,
): Promise<void> {
  const token = (request.input as { token?: unknown } | undefined)?.token;
  const key = request.ctx.sessionKey ?? (typeof token === 'string' ? `tracking:${token}` : null);
  const admitted = admission.admit(key);
  if ('refused' in admitted) {
    refuseStream(request.res, admitted.refused);
    return Promise.resolve();
  }
  request.res.once('close', admitted.release);
  return serve();
}
