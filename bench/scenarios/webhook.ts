/** (d) A signed Stripe webhook marks an order paid and creates its job; against the 4 writes in one transaction. */
import { signTestEvent, testPayments } from '@h2s/api/toolkit';
import { config, failures, lat, log, rows, WEBHOOK_SECRET, type Arena } from '../lib/context';
import { jobId, orderId, RANGE, sessionIdOf } from '../lib/seed';
import { summarize, timed } from '../lib/stats';

export async function stripeWebhook(arena: Arena) {
  const { customer, raw, seedSql } = arena;
  const payments = testPayments(WEBHOOK_SECRET);
  const webhookTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.webhookSamples; i++) {
    const n = RANGE.webhookHttp + i;
    const { payload, signature } = signTestEvent(payments, {
      type: 'checkout.session.completed',
      sessionId: sessionIdOf(n),
      orderId: orderId(n),
      amountTotalCents: 14900,
      paymentStatus: 'paid',
    });
    const { ms: t, value: response } = await timed(() =>
      customer.client.send('POST', '/api/stripe/webhook', {
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      }),
    );
    const body = JSON.parse(response.body.toString()) as { outcome?: string; jobId?: string };
    if (response.status !== 200 || body.outcome !== 'paid' || !body.jobId)
      throw new Error(`webhook: ${response.status} ${response.body.toString().slice(0, 200)}`);
    if (i >= config.warmup) webhookTimes.push(t);
  }
  const rawWebhookTimes: number[] = [];
  for (let i = 0; i < config.warmup + config.webhookSamples; i++) {
    const n = RANGE.webhookRaw + i;
    // A pending order has no job yet, so the job id that goes with its row number is free.
    const job = jobId(n);
    const { ms: t } = await timed(() =>
      raw.sql.begin(async (tx) => {
        await tx`insert into stripe_events (id, type, order_id) values (${`evt_raw_${n}`}, 'checkout.session.completed', ${orderId(n)})`;
        await tx`update orders set payment_status = 'paid', paid_at = now(), updated_at = now() where id = ${orderId(n)} and payment_status = 'pending'`;
        await tx`insert into dispatch_jobs (id, order_id, status, job_details, lat, lng, timezone, city, state, postal_code, equipment)
                 select ${job}, id, 'queued', 'Mount a TV', lat, lng, timezone, city, state, postal_code, '[]'::jsonb from orders where id = ${orderId(n)}`;
        await tx`insert into job_events (job_id, actor_role, type) values (${job}, 'stripe', 'created')`;
      }),
    );
    if (i >= config.warmup) rawWebhookTimes.push(t);
  }
  const events = config.warmup + config.webhookSamples;
  const [paidJobs] = await seedSql<{ n: number }[]>`
    select count(*)::int as n from dispatch_jobs where order_id = any(${Array.from({ length: events }, (_, i) => orderId(RANGE.webhookHttp + i))})`;
  if (paidJobs?.n !== events) failures.push(`webhook created ${paidJobs?.n} jobs for ${events} events`);
  const webhook = summarize(webhookTimes);
  const rawWebhook = summarize(rawWebhookTimes);
  rows.push({
    name: `Stripe webhook → order paid + job (${config.webhookSamples} events)`,
    http: lat(webhook),
    baseline: `${lat(rawWebhook)} (4 writes in a transaction)`,
    target: 'p99 ≤ 15 ms',
    result: webhook.p99 <= 15 ? 'pass' : 'miss',
  });
  log(`webhook ${lat(webhook)} vs raw ${lat(rawWebhook)}`);
  return { http: webhook, raw: rawWebhook };
}
