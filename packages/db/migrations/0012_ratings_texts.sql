-- Ratings (issue 25): one per job, from the order's customer, held by composite foreign keys.
ALTER TABLE "orders" ADD CONSTRAINT "orders_id_customer_key" UNIQUE ("id", "customer_user_id");--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_id_order_key" UNIQUE ("id", "order_id");--> statement-breakpoint
CREATE TABLE "job_ratings" (
  "job_id" text PRIMARY KEY NOT NULL,
  "order_id" text NOT NULL,
  "customer_user_id" text NOT NULL,
  "pro_id" text NOT NULL REFERENCES "pros"("user_id"),
  "stars" smallint NOT NULL,
  "comment" text,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "job_ratings_job_order_fk" FOREIGN KEY ("job_id", "order_id") REFERENCES "dispatch_jobs"("id", "order_id"),
  CONSTRAINT "job_ratings_order_customer_fk" FOREIGN KEY ("order_id", "customer_user_id") REFERENCES "orders"("id", "customer_user_id"),
  CONSTRAINT "job_ratings_stars_check" CHECK ("stars" between 1 and 5),
  CONSTRAINT "job_ratings_comment_check" CHECK (length("comment") between 1 and 1000)
);--> statement-breakpoint
CREATE INDEX "job_ratings_pro_idx" ON "job_ratings" ("pro_id", "updated_at");
--> statement-breakpoint
-- Text messages (issue 25): opt-ins, opt-outs, and an outbox like email's.
ALTER TABLE "orders" ADD COLUMN "sms_phone" text;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_sms_phone_check" CHECK ("sms_phone" ~ '^\+[1-9][0-9]{7,14}$');--> statement-breakpoint
ALTER TABLE "pros" ADD COLUMN "sms_offers_phone" text;--> statement-breakpoint
ALTER TABLE "pros" ADD CONSTRAINT "pros_sms_offers_phone_check" CHECK ("sms_offers_phone" ~ '^\+[1-9][0-9]{7,14}$');--> statement-breakpoint
CREATE TABLE "sms_opt_outs" (
  "phone" text PRIMARY KEY NOT NULL,
  "opted_out_at" timestamp with time zone NOT NULL,
  "keyword" text NOT NULL,
  CONSTRAINT "sms_opt_outs_phone_check" CHECK ("phone" ~ '^\+[1-9][0-9]{7,14}$')
);--> statement-breakpoint
CREATE TABLE "sms_messages" (
  "id" bigserial PRIMARY KEY NOT NULL,
  "idempotency_key" text NOT NULL CONSTRAINT "sms_messages_idempotency_key_key" UNIQUE,
  "kind" text NOT NULL,
  "to_phone" text NOT NULL,
  "order_id" text REFERENCES "orders"("id"),
  "job_id" text REFERENCES "dispatch_jobs"("id"),
  "pro_id" text REFERENCES "pros"("user_id"),
  "data" jsonb DEFAULT '{}'::jsonb NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "attempted_at" timestamp with time zone,
  "sent_at" timestamp with time zone,
  "provider_sid" text,
  "body" text,
  "suppressed_at" timestamp with time zone,
  "suppressed_reason" text,
  CONSTRAINT "sms_messages_kind_check" CHECK ("kind" in ('scheduled', 'rescheduled', 'reminder', 'on_the_way', 'completed', 'new_offer')),
  CONSTRAINT "sms_messages_to_phone_check" CHECK ("to_phone" ~ '^\+[1-9][0-9]{7,14}$'),
  CONSTRAINT "sms_messages_sent_check" CHECK (("sent_at" is null) = ("provider_sid" is null) and ("sent_at" is null or ("attempted_at" is not null and "body" is not null))),
  CONSTRAINT "sms_messages_sent_or_suppressed_check" CHECK ("sent_at" is null or "suppressed_at" is null),
  CONSTRAINT "sms_messages_suppressed_check" CHECK (("suppressed_at" is null) = ("suppressed_reason" is null))
);--> statement-breakpoint
CREATE INDEX "sms_messages_to_phone_idx" ON "sms_messages" ("to_phone", "id");--> statement-breakpoint
CREATE TABLE "sms_inbound" (
  "message_sid" text PRIMARY KEY NOT NULL,
  "from_phone" text NOT NULL,
  "body" text NOT NULL,
  "action" text NOT NULL,
  "received_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "sms_inbound_action_check" CHECK ("action" in ('stop', 'start', 'help', 'other'))
);--> statement-breakpoint
-- Adds one text to the outbox and its send job, once per key; a number that opted out gets none.
CREATE FUNCTION enqueue_sms(p_key text, p_kind text, p_to text, p_order_id text, p_job_id text, p_pro_id text, p_data jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  IF p_to IS NULL OR EXISTS (SELECT 1 FROM sms_opt_outs WHERE phone = p_to) THEN
    RETURN NULL;
  END IF;
  INSERT INTO sms_messages (idempotency_key, kind, to_phone, order_id, job_id, pro_id, data)
    VALUES (p_key, p_kind, p_to, p_order_id, p_job_id, p_pro_id, coalesce(p_data, '{}'::jsonb))
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO v_id;
  IF v_id IS NOT NULL THEN
    PERFORM graphile_worker.add_job('send_sms', json_build_object('smsId', v_id),
      queue_name => 'sms:' || p_to, max_attempts => 12, job_key => 'sms:' || p_key, job_key_mode => 'unsafe_dedupe');
  END IF;
  RETURN v_id;
END;
$$;--> statement-breakpoint
-- The customer's texts follow the email outbox: each email of these kinds to an order whose customer
-- opted in causes one text, in the same transaction (so every write path that emails also texts).
CREATE FUNCTION sms_follow_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM enqueue_sms('sms:' || NEW.idempotency_key, NEW.kind, o.sms_phone, NEW.order_id, NEW.job_id, NULL, NEW.data)
    FROM orders o WHERE o.id = NEW.order_id AND o.sms_phone IS NOT NULL;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "email_notifications_sms" AFTER INSERT ON "email_notifications" FOR EACH ROW
  WHEN (NEW.kind in ('scheduled', 'rescheduled', 'reminder', 'on_the_way', 'completed'))
  EXECUTE FUNCTION sms_follow_email();--> statement-breakpoint
-- A new job: one queue job that texts the pros near it who asked for offer texts (tasks/sms.ts).
CREATE FUNCTION sms_offer_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM graphile_worker.add_job('sms_new_offer', json_build_object('jobId', NEW.job_id),
    max_attempts => 12, job_key => 'sms-offers:' || NEW.job_id, job_key_mode => 'unsafe_dedupe');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "job_events_sms_offers" AFTER INSERT ON "job_events" FOR EACH ROW
  WHEN (NEW.type = 'created')
  EXECUTE FUNCTION sms_offer_fanout();
