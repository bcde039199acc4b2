/** Invariants 6, 9 and 10: Stripe events applied once, refunds once and only for cancelled orders, each email sent once. */
import { sql, type DbOrTx } from '@h2s/db';
import { count, invariant, rows, type InvariantReport, type Row } from './report';

/** Event types whose arrival can mark an order paid (see applyStripeEvent). */
const PAYING_EVENT_TYPES = ['checkout.session.completed', 'checkout.session.async_payment_succeeded'];

/**
 * 6. An event id is recorded (and so applied) once; and every paid order has the event that paid
 * it. The table does not keep the session's payment_status, so "paid it" means an event of a type
 * that can pay (checkout.session.completed or async_payment_succeeded) for that order.
 */
export async function stripeEventsOnce(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(
    tx,
    sql`select (select count(*) from stripe_events) + (select count(*) from orders where payment_status = 'paid') as n`,
  );
  const paying = sql.join(
    PAYING_EVENT_TYPES.map((type) => sql`${type}`),
    sql`, `,
  );
  const found = await rows<Row>(
    tx,
    sql`
      select id, 'Stripe event recorded ' || count(*) || ' times (orders: ' || string_agg(coalesce(order_id, '-'), ', ' order by received_at) || ')' as reason
        from stripe_events
       group by id
      having count(*) > 1
      union all
      select o.id, 'paid order has no recorded Stripe event that pays it'
        from orders o
       where o.payment_status = 'paid'
         and not exists (select 1 from stripe_events e where e.order_id = o.id and e.type in (${paying}))`,
  );
  return invariant(6, 'stripe-events-once', checked, found);
}

/** 9. One refund per order, only for a cancelled order and never above what was paid; a cancelled order's job is cancelled with no live assignment. */
export async function refundedOnceAndCancelled(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(
    tx,
    sql`select (select count(*) from refunds) + (select count(*) from orders where cancelled_at is not null) as n`,
  );
  const found = await rows<Row>(
    tx,
    sql`
      select order_id as id, 'refunded ' || count(*) || ' times: ' || string_agg(id, ', ' order by created_at) as reason
        from refunds group by order_id having count(*) > 1
      union all
      select r.order_id, 'refund ' || r.id || ' of ' || r.amount_cents || ' exceeds the ' || o.amount_total_cents || ' paid'
        from refunds r join orders o on o.id = r.order_id where r.amount_cents > o.amount_total_cents
      union all
      select r.order_id, 'refund ' || r.id || ' for an order that is not cancelled'
        from refunds r join orders o on o.id = r.order_id where o.cancelled_at is null
      union all
      select o.id, 'cancelled order''s job ' || j.id || ' is ' || j.status
        from orders o join dispatch_jobs j on j.order_id = o.id where o.cancelled_at is not null and j.status <> 'cancelled'
      union all
      select o.id, 'cancelled order''s job ' || j.id || ' still has live assignment ' || a.id || ' (' || a.pro_id || ')'
        from orders o join dispatch_jobs j on j.order_id = o.id join job_assignments a on a.job_id = j.id and a.state = 'accepted'
       where o.cancelled_at is not null
      union all
      select o.id, 'cancelled order has no refund'
        from orders o where o.cancelled_at is not null and not exists (select 1 from refunds r where r.order_id = o.id)`,
  );
  return invariant(9, 'refund-once-and-cancelled', checked, found);
}

/**
 * 10. One message per change: a notification's idempotency key is unique, it is logged as sent at
 * most once, and a logged message has its notification marked sent. (Its send job is keyed by the
 * same idempotency key, so the queue holds at most one per notification.)
 */
export async function emailsOnce(tx: DbOrTx): Promise<InvariantReport> {
  const checked = await count(tx, sql`select count(*) as n from email_notifications`);
  const found = await rows<Row>(
    tx,
    sql`
      select idempotency_key as id, 'notification recorded ' || count(*) || ' times' as reason
        from email_notifications group by idempotency_key having count(*) > 1
      union all
      select idempotency_key, 'message logged as sent ' || count(*) || ' times'
        from outbound_emails where idempotency_key is not null group by idempotency_key having count(*) > 1
      union all
      select o.idempotency_key, 'message logged as sent but its notification is not marked sent'
        from outbound_emails o
        left join email_notifications n on n.idempotency_key = o.idempotency_key
       where o.idempotency_key is not null and n.sent_at is null`,
  );
  return invariant(10, 'emails-once', checked, found);
}
