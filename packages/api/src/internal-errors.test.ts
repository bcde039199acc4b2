/** A database error inside a procedure reaches the user as a generic message and an id; the log has the rest. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession } from './domain/auth';
import { handleServerError, INTERNAL_ERROR_MESSAGE } from './internal-errors';
import { createTestApi, type TestApi } from './test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());
afterEach(() => vi.restoreAllMocks());

interface ErrorBody {
  error: { message: string; data: { code: string; httpStatus: number; errorId?: string; stack?: string } };
}

const logged = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? `${a.message} ${String(a.cause)}` : String(a))).join(' ')).join('\n');

describe('internal errors', () => {
  it('a failed query in a procedure answers with an error id, never its SQL or parameters', async () => {
    const { customer, jobId } = await api.paidOrder();
    const session = await createSession(api.t.db, customer.userId, api.clock.now());
    const cookie = `${api.server.sessionCookie}=${encodeURIComponent(session.token)}`;
    // Break the table the procedure reads: PostgreSQL refuses the query, naming it.
    await api.t.sql`alter table customer_uploads rename to customer_uploads_gone`;
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await api.server.handlePlainTrpc(
        new Request(`http://customer.test/api/trpc/uploads.list?input=${encodeURIComponent(JSON.stringify({ jobId }))}`, {
          headers: { cookie },
        }),
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      const body = JSON.parse(text) as ErrorBody;
      expect(body.error.data.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.error.message).toContain(INTERNAL_ERROR_MESSAGE);
      const errorId = body.error.data.errorId!;
      expect(errorId).toMatch(/^ERR-[0-9A-F]{10}$/);
      expect(body.error.message).toContain(errorId);
      // Nothing of the query, its tables, its parameters or the stack.
      expect(text).not.toMatch(/select|customer_uploads|Failed query|params|\$1|at \//i);
      expect(text).not.toContain(jobId);
      // The server log has the detail, under the same id.
      const lines = logged(log);
      expect(lines).toContain(errorId);
      expect(lines).toMatch(/customer_uploads/);
    } finally {
      await api.t.sql`alter table customer_uploads_gone rename to customer_uploads`;
    }
  });

  it('a failed session lookup (a token hash as its parameter) does not echo the hash', async () => {
    const pro = await api.pro();
    await api.t.sql`alter table sessions rename to sessions_gone`;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await api.server.handlePlainTrpc(
        new Request('http://customer.test/api/trpc/catalog.list', { headers: { cookie: `${api.server.sessionCookie}=${pro.token}` } }),
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      expect((JSON.parse(text) as ErrorBody).error.data.errorId).toMatch(/^ERR-/);
      expect(text).not.toMatch(/token_hash|sessions|select/i);
    } finally {
      await api.t.sql`alter table sessions_gone rename to sessions`;
    }
  });

  it('a page whose load fails shows an id, and the log holds the SQL under it', async () => {
    const { jobId } = await api.paidOrder();
    await api.t.sql`alter table customer_uploads rename to customer_uploads_gone`;
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    let caught: unknown;
    try {
      const admin = await api.admin();
      await (await api.caller(admin)).uploads.list({ jobId });
    } catch (error) {
      caught = error;
    } finally {
      await api.t.sql`alter table customer_uploads_gone rename to customer_uploads`;
    }
    expect(String(caught)).toMatch(/customer_uploads/);
    const shown = handleServerError({
      error: caught,
      event: { url: new URL('http://portal.test/admin/jobs/x') },
      status: 500,
      message: 'Internal Error',
    });
    expect(shown.message).toContain(INTERNAL_ERROR_MESSAGE);
    expect(shown.message).toContain(shown.errorId!);
    expect(JSON.stringify(shown)).not.toMatch(/customer_uploads|select/i);
    expect(logged(log)).toContain(shown.errorId!);
    expect(logged(log)).toMatch(/customer_uploads/);
    expect(
      handleServerError({ error: new Error('x'), event: { url: new URL('http://x/nope') }, status: 404, message: 'Not Found' }),
    ).toEqual({ message: 'Not Found' });
  });
});
