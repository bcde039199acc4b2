import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, rejection, type TestApi } from '../test/fixtures';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ app: 'portal' });
});
afterAll(async () => api?.close());

describe('dispatch assigns outside a radius, and the pro acknowledges', () => {
  it('warns before assigning a pro whose radius does not reach the job, and assigns once confirmed', async () => {
    const admin = await api.caller(await api.admin());
    const phoenix = await api.pro({ name: 'Tom Phoenix', postalCode: '85004', serviceRadiusMiles: 60 });
    const { jobId } = await api.paidOrder();

    const warned = await rejection(admin.admin.assign({ jobId, proId: phoenix.userId }));
    expect(warned.code).toBe('CONFLICT');
    expect(warned.message).toMatch(/^Tom Phoenix is 1,4\d\d mi from this job, outside their 60 mi radius\. Assign anyway\?$/);
    const [untouched] = await api.t.sql`select assigned_pro_id from dispatch_jobs where id = ${jobId}`;
    expect(untouched!.assigned_pro_id).toBeNull();

    await admin.admin.assign({ jobId, proId: phoenix.userId, confirmOutsideRadius: true });
    expect((await admin.jobs.get({ jobId })).assignedPro?.id).toBe(phoenix.userId);
  });

  it("an assignment by dispatch reads as such until the pro acknowledges it; a pro's own accept needs none", async () => {
    const admin = await api.caller(await api.admin());
    const proViewer = await api.pro({ postalCode: '60601', serviceRadiusMiles: 40 });
    const pro = await api.caller(proViewer);
    const { jobId } = await api.paidOrder();
    await admin.admin.assign({ jobId, proId: proViewer.userId });
    expect(await admin.jobs.get({ jobId })).toMatchObject({ status: 'accepted', assignedByDispatch: true });
    expect((await pro.jobs.mine()).upcoming.find((j) => j.jobId === jobId)?.assignedByDispatch).toBe(true);

    const ack = await pro.jobs.acknowledge({ jobId });
    expect(ack.jobId).toBe(jobId);
    expect(await admin.jobs.get({ jobId })).toMatchObject({ status: 'accepted', assignedByDispatch: false });
    expect((await pro.jobs.acknowledge({ jobId })).acknowledgedAt).toBe(ack.acknowledgedAt);

    const other = await api.caller(await api.pro({ postalCode: '60601', serviceRadiusMiles: 40 }));
    expect((await rejection(other.jobs.acknowledge({ jobId }))).code).toBe('FORBIDDEN');

    const own = await api.paidOrder();
    await pro.jobs.accept({ jobId: own.jobId });
    expect((await admin.jobs.get({ jobId: own.jobId })).assignedByDispatch).toBe(false);
  });
});
