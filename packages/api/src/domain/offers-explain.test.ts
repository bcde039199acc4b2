/** Offers explained in a pro's words, and whether each has photos. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, sampleCheckout, type TestApi } from '../test/fixtures';
import { explainOffer } from './offers';

let api: TestApi;
beforeAll(async () => {
  // Friday 10am in Chicago.
  api = await createTestApi({ now: '2026-01-09T16:00:00.000Z' });
});
afterAll(async () => api?.close());

describe('explainOffer', () => {
  it('says when, how far and how soon, with no points and no "queued"', () => {
    expect(
      explainOffer({
        status: 'scheduled',
        scheduleDate: '2026-01-13',
        timeWindow: '9am - 12pm',
        distanceMiles: 1.14,
        breakdown: [
          { rule: 'status', points: 1000, label: '+1000 scheduled' },
          { rule: 'urgency', points: 300, label: '+300 due within 24 h' },
        ],
      }),
    ).toEqual(['Scheduled for Tue 9am-12pm', '1.1 mi away', 'due within 24 h']);
    const queued = explainOffer({
      status: 'queued',
      scheduleDate: null,
      timeWindow: null,
      distanceMiles: 12,
      breakdown: [{ rule: 'status', points: 0, label: '+0 queued' }],
    });
    expect(queued).toEqual(['The customer has not picked a time yet', '12.0 mi away']);
    expect(queued.join(' ')).not.toMatch(/queued|\+\d/);
  });
});

describe('offers.list', () => {
  it("carries the reasons and each offer's photo count", async () => {
    const pro = await api.caller(await api.pro({ postalCode: '60601', serviceRadiusMiles: 30 }));
    const withPhotos = await api.paidOrder(
      sampleCheckout({ serviceAddress: { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60606' } }),
    );
    const without = await api.paidOrder();
    await (
      await api.caller(null)
    ).schedule.confirm({ sessionId: withPhotos.sessionId, date: '2026-01-10', timezone: 'America/Chicago', timeWindow: '9am - 12pm' });
    for (const [i, sha] of ['a', 'b'].entries()) {
      await api.t
        .sql`insert into customer_uploads (id, job_id, storage_key, url, file_size, mime_type, original_filename, sha256, uploaded_by)
        values (${`UPL-TEST${i}`}, ${withPhotos.jobId}, ${`k/${i}`}, ${`u/${i}`}, 10, 'image/png', 'wall.png', ${sha.repeat(64)}, ${withPhotos.customer.userId})`;
    }
    const { offers } = await pro.offers.list();
    const a = offers.find((o) => o.jobId === withPhotos.jobId)!;
    const b = offers.find((o) => o.jobId === without.jobId)!;
    expect(a.reasons).toEqual(['Scheduled for Sat 9am-12pm', `${a.distanceMiles.toFixed(1)} mi away`, 'due within 24 h']);
    expect(a.photoCount).toBe(2);
    expect(b.photoCount).toBe(0);
    expect(b.reasons?.[0]).toBe('The customer has not picked a time yet');
  });
});
