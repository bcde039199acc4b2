import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkedOutput, createCallerFactory, createTRPCRouter, publicProcedure, type Context } from './trpc';

const offerLike = z.object({ jobId: z.string(), score: z.number() });

/** A router whose one procedure returns whatever the test hands it, through checkedOutput. */
function echo(value: unknown) {
  const router = createTRPCRouter({
    echo: publicProcedure.output(checkedOutput(offerLike)).query(() => value as z.output<typeof offerLike>),
  });
  return createCallerFactory(router)({ viewer: null } as unknown as Context).echo();
}

const nodeEnv = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = nodeEnv;
});

describe('procedure outputs (issue 13: checked in tests and development, trusted in production)', () => {
  it('outside production an output is parsed: a wrong type fails, and so does a field its schema does not declare', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    await expect(echo({ jobId: 'JOB-1', score: 12 })).resolves.toEqual({ jobId: 'JOB-1', score: 12 });
    await expect(echo({ jobId: 'JOB-1', score: 'high' })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    // Production no longer strips what the schema leaves out, so here it is an error, not a silent strip.
    await expect(echo({ jobId: 'JOB-1', score: 12, customerEmail: 'avery@example.com' })).rejects.toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      cause: { message: 'Output field "customerEmail" is not in the procedure\'s output schema' },
    });
  });

  it('in production the output is sent as the procedure made it, without parsing', async () => {
    process.env.NODE_ENV = 'production';
    const wrong = { jobId: 'JOB-1', score: 'high' };
    await expect(echo(wrong)).resolves.toBe(wrong);
  });
});
