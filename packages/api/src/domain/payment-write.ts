/**
 * The one encoding of a paid checkout's write (issue 21), in ONE statement: the Stripe event row
 * (once: a replay finds it), the order paid, its dispatch job, the job's audit row and NOTIFY, the
 * confirmation email and the widen timer. Both ways checkout.ts pays run it: the usual one, on the
 * condition that the order is the version it read (no transaction), and the locking transaction, with
 * the order already locked (no version).
 */
import { isBlankText, JOB_DETAILS_PLACEHOLDER, newJobId, sql, type DbOrTx, type OrderItem, type Skill } from '@h2s/db';
import { jobEventInsertSql, jobEventNotifySql } from './events';
import { enqueueEmailSql } from './notifications';
import { widenTimerSql } from './offer-timers';
import { dispatchPolicy } from './policy';

/** The order as the payment needs it: where the job goes and what it needs. */
export interface OrderToPay {
  id: string;
  notes: string | null;
  items: OrderItem[];
  lat: number;
  lng: number;
  timezone: string;
  city: string;
  state: string;
  postalCode: string;
}

export type PaymentWriteOutcome =
  | { outcome: 'duplicate'; orderId: string }
  | { outcome: 'paid'; orderId: string; jobId: string }
  | { outcome: 'already-paid'; orderId: string };

/** What a paid order's job starts as: the order's notes (or the placeholder), equipment and skills. */
function newJobOf(order: { notes: string | null; items: OrderItem[] }, skills: Skill[]) {
  return {
    jobDetails: isBlankText(order.notes) ? JOB_DETAILS_PLACEHOLDER : order.notes!.trim(),
    equipment: [...new Set(order.items.flatMap((item) => item.equipment))],
    skills: [...new Set(skills)].sort(),
  };
}

/**
 * Records the event and pays the order; null when the order was not the version read (nothing was
 * written). `version` null: the caller holds the order locked.
 */
export async function writePayment(
  db: DbOrTx,
  w: { order: OrderToPay; skills: Skill[]; version: string | null; event: { id: string; type: string }; now: Date },
): Promise<PaymentWriteOutcome | null> {
  const { order, event, now } = w;
  const orderId = order.id;
  const jobId = newJobId();
  const job = newJobOf(order, w.skills);
  const at = sql`${now.toISOString()}::timestamptz`;
  const skills = job.skills.length
    ? sql`array[${sql.join(
        job.skills.map((skill) => sql`${skill}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;
  const version = w.version === null ? sql`` : sql`and xmin = ${w.version}::xid`;
  const [row] = await db.execute<{ matched: boolean; fresh: boolean; job_id: string | null }>(sql`
    with o as (
      select id, payment_status from orders where id = ${orderId} ${version} for update
    ), fresh as (
      insert into stripe_events (id, type, order_id, received_at) select ${event.id}, ${event.type}, o.id, ${at} from o
      on conflict do nothing returning id
    ), paid as (
      update orders set payment_status = 'paid', paid_at = ${at}, updated_at = ${at}
        from o, fresh where orders.id = o.id and o.payment_status <> 'paid'
      returning orders.id
    ), job as (
      insert into dispatch_jobs (id, order_id, status, job_details, lat, lng, timezone, city, state, postal_code, equipment, skills,
                                 opened_at, created_at, updated_at)
      select ${jobId}, paid.id, 'queued', ${job.jobDetails}, ${order.lat}::float8, ${order.lng}::float8, ${order.timezone}, ${order.city},
             ${order.state}, ${order.postalCode}, ${JSON.stringify(job.equipment)}::jsonb, ${skills}, ${at}, ${at}, ${at}
        from paid
      returning id
    ), event as (
      ${jobEventInsertSql({ jobId, type: 'created', actor: { userId: null, role: 'stripe' }, data: sql`jsonb_build_object('eventId', ${event.id}::text)` }, sql`job`)}
    )
    select exists (select 1 from o) as matched, exists (select 1 from fresh) as fresh, (select id from job) as job_id,
           (select ${enqueueEmailSql({ kind: 'order_confirmed', key: `order_confirmed:${orderId}`, orderId, jobId, data: sql`'{}'::jsonb` })} from job) as emailed,
           (select ${widenTimerSql(jobId, now, dispatchPolicy())} from job) as widen_timer,
           (select ${jobEventNotifySql(sql`event`)} from event) as notified`);
  if (!row?.matched) return null;
  if (!row.fresh) return { outcome: 'duplicate', orderId };
  if (row.job_id) return { outcome: 'paid', orderId, jobId: row.job_id };
  return { outcome: 'already-paid', orderId };
}
