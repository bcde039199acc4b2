/** Invariant 10, for texts: each text's idempotency key is unique, and none went to a number after it opted out. */
import { sql, type DbOrTx } from '@h2s/db';
import { count, rows, type InvariantReport, type Row } from './report';

export async function textsOnce(tx: DbOrTx): Promise<Pick<InvariantReport, 'checked' | 'breaches'>> {
  const checked = await count(tx, sql`select count(*) as n from sms_messages`);
  const breaches = await rows<Row>(
    tx,
    sql`
      select idempotency_key as id, 'text recorded ' || count(*) || ' times' as reason
        from sms_messages group by idempotency_key having count(*) > 1
      union all
      -- The send claims its attempt only while the number has not opted out, so a later attempt is a breach.
      select m.idempotency_key, 'text sent to ' || m.to_phone || ' after it opted out (' || o.keyword || ')'
        from sms_messages m join sms_opt_outs o on o.phone = m.to_phone
       where m.sent_at is not null and m.attempted_at >= o.opted_out_at`,
  );
  return { checked, breaches };
}
