import { isHttpError, isRedirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { actionMessage, failLoad, formProblem, isCode } from './errors';

const url = new URL('http://localhost/jobs/JOB-ABCDEFGH?tab=photos');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('formProblem', () => {
  it('shows a busy database as "try again" (503), not as a crash', () => {
    const problem = formProblem(new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Busy, try again' }));
    expect(problem).toEqual({ status: 503, message: 'Busy, try again', fieldErrors: {} });
  });

  it('puts input errors next to their fields and leads with the first', () => {
    const cause = Object.assign(new Error('invalid input'), {
      issues: [{ path: ['customer', 'email'], message: 'Enter an email address' }],
    });
    const problem = formProblem(new TRPCError({ code: 'BAD_REQUEST', message: '[{"json": "issues"}]', cause }));
    expect(problem).toEqual({
      status: 400,
      message: 'Enter an email address',
      fieldErrors: { 'customer.email': 'Enter an email address' },
    });
  });

  it('rethrows bugs and anything that is not an API error', () => {
    const bug = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'boom' });
    expect(thrown(() => formProblem(bug))).toBe(bug);
    const plain = new Error('socket closed');
    expect(thrown(() => actionMessage(plain))).toBe(plain);
  });

  it('recognises API errors by shape, whichever copy of tRPC made them', () => {
    const foreign = Object.assign(new Error('Job no longer available'), { name: 'TRPCError', code: 'CONFLICT' });
    expect(isCode(foreign, 'CONFLICT')).toBe(true);
    expect(actionMessage(foreign)).toEqual({ status: 409, message: 'Job no longer available' });
  });
});

describe('failLoad', () => {
  it('sends a lost session to the sign-in page that comes back here', () => {
    const e = thrown(() => failLoad(new TRPCError({ code: 'UNAUTHORIZED' }), url));
    expect(isRedirect(e) && e.location).toBe('/login?next=%2Fjobs%2FJOB-ABCDEFGH%3Ftab%3Dphotos');
  });

  it('shows a malformed id as not found and keeps other statuses', () => {
    const badId = thrown(() => failLoad(new TRPCError({ code: 'BAD_REQUEST' }), url));
    expect(isHttpError(badId, 404)).toBe(true);
    const busy = thrown(() => failLoad(new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Busy' }), url));
    expect(isHttpError(busy, 503)).toBe(true);
  });
});
