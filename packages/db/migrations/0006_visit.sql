-- The visit after "accepted": en_route (the pro is on the way), in_progress (arrived, working), completed.
ALTER TABLE "dispatch_jobs" DROP CONSTRAINT "dispatch_jobs_status_check";
--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_status_check" CHECK (status in ('queued', 'scheduled', 'accepted', 'en_route', 'in_progress', 'completed', 'cancelled'));
--> statement-breakpoint
ALTER TABLE "dispatch_jobs" DROP CONSTRAINT "dispatch_jobs_assignment_check";
--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_assignment_check" CHECK (("dispatch_jobs"."status" in ('accepted', 'en_route', 'in_progress', 'completed')) = ("dispatch_jobs"."assigned_pro_id" is not null) or "dispatch_jobs"."status" = 'cancelled');
--> statement-breakpoint
-- What the pro wrote on completion.
ALTER TABLE "dispatch_jobs" ADD COLUMN "completion_notes" text;
--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_completion_notes_check" CHECK (length("dispatch_jobs"."completion_notes") <= 2000);
--> statement-breakpoint
-- Each calendar invite for a job carries a SEQUENCE one higher than the last (RFC 5545 3.8.7.4).
ALTER TABLE "dispatch_jobs" ADD COLUMN "calendar_sequence" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "job_events" DROP CONSTRAINT "job_events_type_check";
--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_type_check" CHECK (type in ('created', 'scheduled', 'rescheduled', 'accepted', 'assigned', 'reassigned', 'released', 'completed', 'cancelled', 'photo_added', 'photo_removed', 'departed', 'started', 'moved_back', 'reopened'));
--> statement-breakpoint
-- Before photos come from the customer; after photos are the pro's proof of the finished work.
ALTER TABLE "customer_uploads" ADD COLUMN "kind" text DEFAULT 'before' NOT NULL;
--> statement-breakpoint
ALTER TABLE "customer_uploads" ADD CONSTRAINT "customer_uploads_kind_check" CHECK (kind in ('before', 'after'));
--> statement-breakpoint
-- At most 12 photos of each kind per job (the customer's 12 do not crowd out the pro's proof).
CREATE OR REPLACE FUNCTION customer_uploads_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM dispatch_jobs WHERE id = NEW.job_id FOR UPDATE;
  IF (SELECT count(*) FROM customer_uploads WHERE job_id = NEW.job_id AND kind = NEW.kind) >= 12 THEN
    RAISE EXCEPTION 'a job holds at most 12 photos of each kind' USING ERRCODE = 'check_violation',
      CONSTRAINT = 'customer_uploads_per_job_limit';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- Tracking links are an HMAC of the order id and this version; raising it revokes every link out.
ALTER TABLE "orders" ADD COLUMN "tracking_version" integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
-- Every message a change causes: written in the change's transaction, sent by the worker.
-- The idempotency key names the change, so one change can never cause the same message twice.
CREATE TABLE "email_notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"order_id" text,
	"job_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"message_id" text,
	CONSTRAINT "email_notifications_idempotency_key_key" UNIQUE("idempotency_key"),
	CONSTRAINT "email_notifications_kind_check" CHECK (kind in ('order_confirmed', 'scheduled', 'rescheduled', 'pro_assigned', 'on_the_way', 'completed', 'reminder', 'cancelled', 'sign_in_link')),
	-- Account mail (sign-in links) has no order.
	CONSTRAINT "email_notifications_order_check" CHECK ("order_id" is not null or "kind" = 'sign_in_link'),
	CONSTRAINT "email_notifications_sent_check" CHECK (("sent_at" is null) = ("message_id" is null))
);
--> statement-breakpoint
ALTER TABLE "email_notifications" ADD CONSTRAINT "email_notifications_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "email_notifications" ADD CONSTRAINT "email_notifications_job_id_dispatch_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."dispatch_jobs"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "email_notifications_order_idx" ON "email_notifications" USING btree ("order_id","id");
--> statement-breakpoint
-- The delivery log row of a notification (the dev outbox page reads this table).
ALTER TABLE "outbound_emails" ADD COLUMN "idempotency_key" text;
--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD CONSTRAINT "outbound_emails_idempotency_key_key" UNIQUE("idempotency_key");
--> statement-breakpoint
-- One definition of "a change causes a message": the notification row and its send job, in the
-- caller's transaction. A key seen before adds nothing (the change already caused its message).
CREATE FUNCTION enqueue_email(p_key text, p_kind text, p_order_id text, p_job_id text, p_data jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  INSERT INTO email_notifications (idempotency_key, kind, order_id, job_id, data)
    VALUES (p_key, p_kind, p_order_id, p_job_id, coalesce(p_data, '{}'::jsonb))
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO v_id;
  IF v_id IS NOT NULL THEN
    -- One queue per order: its messages go out one at a time, in the order of the changes.
    PERFORM graphile_worker.add_job('send_email', json_build_object('notificationId', v_id),
      queue_name => 'email:' || coalesce(p_order_id, 'account'), max_attempts => 25, job_key => 'email:' || p_key, job_key_mode => 'unsafe_dedupe');
  END IF;
  RETURN v_id;
END;
$$;
