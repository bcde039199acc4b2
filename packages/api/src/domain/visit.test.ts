import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../test/fixtures';
import { afterPhotoForm } from '../test/images';
import { AFTER_PHOTO_REQUIRED } from './visit';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ poolMax: 20 });
});
afterAll(async () => api?.close());

const outcome = (p: Promise<{ status: string }>) =>
  p.then(
    (job) => `ok: ${job.status}`,
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );

async function acceptedJob() {
  const order = await api.paidOrder();
  const pro = await api.pro();
  const caller = await api.caller(pro);
  await caller.jobs.accept({ jobId: order.jobId });
  return { order, pro, caller, jobId: order.jobId };
}

const eventTypes = async (jobId: string) =>
  (await api.t.sql<{ type: string }[]>`select type from job_events where job_id = ${jobId} order by id`).map((r) => r.type);
const emailKinds = async (jobId: string) =>
  (await api.t.sql<{ kind: string }[]>`select kind from email_notifications where job_id = ${jobId} order by id`).map((r) => r.kind);

describe('the visit: depart → start → complete', () => {
  it('takes each step once, in order, with an audit row and a message for the customer', async () => {
    const { caller, jobId } = await acceptedJob();
    expect((await caller.jobs.depart({ jobId })).status).toBe('en_route');
    expect((await caller.jobs.start({ jobId })).status).toBe('in_progress');
    await caller.uploads.create(afterPhotoForm(jobId));
    const done = await caller.jobs.complete({ jobId, notes: '  Mounted on studs; cables hidden.  ' });
    expect(done).toMatchObject({ status: 'completed' });
    expect(done.completedAt).not.toBeNull();
    expect(await eventTypes(jobId)).toEqual(['created', 'accepted', 'departed', 'started', 'photo_added', 'completed']);
    const [row] = await api.t
      .sql`select completion_notes, (select state from job_assignments a where a.job_id = j.id) as assignment from dispatch_jobs j where id = ${jobId}`;
    expect(row).toEqual({ completion_notes: 'Mounted on studs; cables hidden.', assignment: 'completed' });
    expect(await emailKinds(jobId)).toEqual(['order_confirmed', 'pro_assigned', 'on_the_way', 'completed']);
    expect((await caller.jobs.mine()).completed.map((j) => j.jobId)).toContain(jobId);
  });

  it('a repeated step returns the same job and writes nothing more', async () => {
    const { caller, jobId } = await acceptedJob();
    const first = await caller.jobs.depart({ jobId });
    const again = await caller.jobs.depart({ jobId });
    expect(again).toEqual(first);
    expect((await eventTypes(jobId)).filter((t) => t === 'departed')).toHaveLength(1);
    expect((await emailKinds(jobId)).filter((k) => k === 'on_the_way')).toHaveLength(1);
  });

  it('a step out of order is CONFLICT naming the current status', async () => {
    const { caller, jobId } = await acceptedJob();
    await expect(caller.jobs.start({ jobId })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('(accepted)') });
    await expect(caller.jobs.complete({ jobId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('(accepted)'),
    });
    await caller.jobs.depart({ jobId });
    await expect(caller.jobs.complete({ jobId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('(en_route)'),
    });
    await caller.jobs.start({ jobId });
    await expect(caller.jobs.depart({ jobId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('(in_progress)'),
    });
    // An open job has no visit yet.
    const open = await api.paidOrder();
    await expect(caller.jobs.depart({ jobId: open.jobId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('completion needs an after photo from the assigned pro, added while the work is in progress', async () => {
    const { order, caller, jobId } = await acceptedJob();
    // Too early: the pro has not arrived.
    await expect(caller.uploads.create(afterPhotoForm(jobId))).rejects.toMatchObject({ code: 'CONFLICT' });
    await caller.jobs.depart({ jobId });
    await caller.jobs.start({ jobId });
    await expect(caller.jobs.complete({ jobId })).rejects.toMatchObject({ code: 'CONFLICT', message: AFTER_PHOTO_REQUIRED });
    // Another pro and the customer cannot add after photos.
    const stranger = await api.caller(await api.pro());
    await expect(stranger.uploads.create(afterPhotoForm(jobId))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const customer = await api.caller(order.customer);
    await expect(customer.uploads.create(afterPhotoForm(jobId))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A malformed form names its fields.
    const bad = new FormData();
    bad.set('jobId', 'nope');
    bad.set('kind', 'after');
    await expect(caller.uploads.create(bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const { upload } = await caller.uploads.create(afterPhotoForm(jobId));
    expect(upload.kind).toBe('after');
    expect((await caller.jobs.complete({ jobId })).status).toBe('completed');
    const listed = await customer.uploads.list({ jobId });
    expect(listed.uploads.map((u) => u.kind)).toEqual(['after']);
    // The pro's proof is not the customer's to remove.
    await expect(customer.uploads.remove({ uploadId: upload.uploadId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('two steps racing from the same status: exactly one applies, and never out of order', async () => {
    for (let round = 0; round < 8; round++) {
      const { caller, jobId } = await acceptedJob();
      const results = await Promise.all([
        outcome(caller.jobs.depart({ jobId })),
        outcome(caller.jobs.start({ jobId })),
        outcome(caller.jobs.depart({ jobId })),
      ]);
      const events = await eventTypes(jobId);
      expect(events.filter((t) => t === 'departed')).toHaveLength(1);
      // start can only have applied after a committed depart; if it lost the race it says why.
      if (events.includes('started')) expect(events.indexOf('started')).toBeGreaterThan(events.indexOf('departed'));
      else expect(results[1]).toMatch(/^CONFLICT: This job is accepted \(accepted\)/);
      expect(results.filter((r) => r.startsWith('ok')).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('ten taps on complete at once: one completion, one receipt', async () => {
    const { caller, jobId } = await acceptedJob();
    await caller.jobs.depart({ jobId });
    await caller.jobs.start({ jobId });
    await caller.uploads.create(afterPhotoForm(jobId));
    const results = await Promise.all(Array.from({ length: 10 }, () => outcome(caller.jobs.complete({ jobId }))));
    expect(new Set(results)).toEqual(new Set(['ok: completed']));
    expect((await eventTypes(jobId)).filter((t) => t === 'completed')).toHaveLength(1);
    expect((await emailKinds(jobId)).filter((k) => k === 'completed')).toHaveLength(1);
  });
});

describe('admin.moveBack', () => {
  it('moves one step back with a reason, reopens a completed job, and refuses a stale or empty move', async () => {
    const { pro, caller, jobId } = await acceptedJob();
    const admin = await api.caller(await api.admin());
    await expect(admin.admin.moveBack({ jobId, reason: 'Nothing to undo' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await api.finishVisit(pro, jobId);
    const reopened = await admin.admin.moveBack({ jobId, reason: 'Customer reports the TV is crooked', from: 'completed' });
    expect(reopened).toMatchObject({ status: 'in_progress', completedAt: null });
    // The same form submitted twice: the second finds the job no longer completed.
    await expect(admin.admin.moveBack({ jobId, reason: 'Customer reports the TV is crooked', from: 'completed' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await admin.admin.moveBack({ jobId, reason: 'Pro tapped start by mistake', from: 'in_progress' })).status).toBe('en_route');
    const { events } = await admin.admin.history({ jobId });
    expect(events.slice(-2).map((e) => [e.type, e.data.reason])).toEqual([
      ['reopened', 'Customer reports the TV is crooked'],
      ['moved_back', 'Pro tapped start by mistake'],
    ]);
    // The pro finishes again; the after photo is still there.
    await caller.jobs.start({ jobId });
    expect((await caller.jobs.complete({ jobId })).status).toBe('completed');
    const [assignment] = await api.t.sql`select state from job_assignments where job_id = ${jobId}`;
    expect(assignment).toEqual({ state: 'completed' });
    await expect((await api.caller(pro)).admin.moveBack({ jobId, reason: 'pro tries' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.admin.moveBack({ jobId, reason: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
