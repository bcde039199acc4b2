/**
 * A pro whom dispatch takes off a job (the job reassigned, or their crew seat given to another) is
 * told by email, written in the reassignment's own transaction like every other message. The key
 * names the event that took them off, so a retried change never tells them twice, and a repeated
 * reassignment to the same pro (no event) tells nobody.
 */
import { dispatchJobs, eq, users, type DbOrTx } from '@h2s/db';
import type { OutgoingEmail } from './email';
import { enqueueEmail } from './notifications';
import { firstName, homeSlotLabel } from './tracking';

export async function enqueueProUnassignedEmail(
  tx: DbOrTx,
  change: { jobId: string; orderId: string; proId: string; eventId: string | number; seat?: number },
): Promise<void> {
  const [row] = await tx
    .select({
      email: users.email,
      name: users.name,
      dueAt: dispatchJobs.dueAt,
      timezone: dispatchJobs.timezone,
      city: dispatchJobs.city,
      state: dispatchJobs.state,
      postalCode: dispatchJobs.postalCode,
    })
    .from(dispatchJobs)
    .innerJoin(users, eq(users.id, change.proId))
    .where(eq(dispatchJobs.id, change.jobId));
  if (!row) throw new Error(`job ${change.jobId} or pro ${change.proId} not found for the unassignment email`);
  await enqueueEmail(tx, {
    kind: 'pro_unassigned',
    key: `pro_unassigned:${change.jobId}:${change.eventId}`,
    orderId: change.orderId,
    jobId: change.jobId,
    // What the pro knew of the job as of this change: a later reschedule must not rewrite it.
    data: {
      proId: change.proId,
      to: row.email,
      proName: row.name,
      dueAt: row.dueAt?.toISOString() ?? null,
      timezone: row.timezone,
      area: `${row.city}, ${row.state} ${row.postalCode}`,
      ...(change.seat ? { seat: change.seat } : {}),
    },
  });
}

const str = (value: unknown) => (typeof value === 'string' ? value : null);

/** The message to the pro: which job (reference, when at the home, the area; never the customer's name or street). */
export function renderProUnassigned(n: { data: Record<string, unknown>; jobId: string | null }, messageId: string): OutgoingEmail {
  const dueAt = str(n.data.dueAt);
  const timezone = str(n.data.timezone);
  const when =
    dueAt && timezone
      ? `${homeSlotLabel(new Date(dueAt), timezone)} (${timezone.replace(/_/g, ' ')} time, at the home)`
      : 'not yet scheduled';
  const area = str(n.data.area) ?? 'your area';
  const reference = n.jobId ?? 'a job';
  const seat = typeof n.data.seat === 'number' ? ` (crew seat ${n.data.seat})` : '';
  const lines = [
    `Hi ${firstName(str(n.data.proName)) ?? 'there'},`,
    `Dispatch has reassigned job ${reference}${seat}. It is no longer yours: please do not go to this visit.`,
    `Job: ${reference}\nWhen: ${when}\nWhere: ${area}`,
    'Your Jobs page in the portal is already up to date. Questions? Reply to this email or call dispatch.',
  ];
  return {
    to: str(n.data.to) ?? '',
    subject: `Job ${reference} is no longer assigned to you`,
    text: lines.join('\n\n'),
    messageId,
  };
}
