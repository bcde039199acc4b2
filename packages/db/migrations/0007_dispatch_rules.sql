-- Dispatch rules (issue 15): skills, working hours, no pro in two places at once, widening offers,
-- reschedule limits, cancellations with one refund per order.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "bundles" ADD COLUMN "skills" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_skills_check" CHECK ("bundles"."skills" <@ array['wall-mount', 'in-wall-wiring', 'smart-home', 'security-cameras', 'networking']::text[]);--> statement-breakpoint
ALTER TABLE "pros" ADD COLUMN "skills" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "pros" ADD CONSTRAINT "pros_skills_check" CHECK ("pros"."skills" <@ array['wall-mount', 'in-wall-wiring', 'smart-home', 'security-cameras', 'networking']::text[]);--> statement-breakpoint
-- Pros already working keep being offered everything they were.
UPDATE "pros" SET "skills" = array['wall-mount', 'in-wall-wiring', 'smart-home', 'security-cameras', 'networking']::text[];--> statement-breakpoint
UPDATE "bundles" SET "skills" = CASE "sku"
  WHEN 'tv-mount-standard' THEN array['wall-mount']
  WHEN 'tv-mount-premium' THEN array['wall-mount', 'in-wall-wiring']
  WHEN 'smart-home-starter' THEN array['smart-home']
  WHEN 'security-camera-4' THEN array['security-cameras']
  WHEN 'wifi-mesh' THEN array['networking']
  ELSE '{}'::text[] END;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "skills" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "opened_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "widened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "needs_dispatch_at" timestamp with time zone;--> statement-breakpoint
UPDATE "dispatch_jobs" j SET "opened_at" = j."created_at",
  "skills" = coalesce((select array_agg(distinct s order by s) from "orders" o, jsonb_array_elements(o."items") i, "bundles" b, unnest(b."skills") s
                        where o."id" = j."order_id" and b."sku" = i->>'sku'), '{}');--> statement-breakpoint
-- Widened jobs reach 1.5x radius: their own small index, so offers scan the larger box only for them.
CREATE INDEX "dispatch_jobs_widened_location_idx" ON "dispatch_jobs" USING gist (point("lng", "lat")) WHERE "dispatch_jobs"."widened_at" is not null and "dispatch_jobs"."status" in ('queued', 'scheduled') and "dispatch_jobs"."assigned_pro_id" is null;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "reschedule_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cancellation_reason" text;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_reschedule_count_check" CHECK ("orders"."reschedule_count" >= 0);--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_cancelled_paid_check" CHECK ("orders"."cancelled_at" is null or "orders"."payment_status" = 'paid');--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "window_range" tstzrange;--> statement-breakpoint
UPDATE "job_assignments" a SET "window_range" = tstzrange(j."due_at", j."due_at" + interval '3 hours', '[)')
  FROM "dispatch_jobs" j WHERE j."id" = a."job_id" AND a."state" = 'accepted' AND j."due_at" IS NOT NULL;--> statement-breakpoint
-- A pro never holds two live assignments whose windows overlap; PostgreSQL decides under races.
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_pro_window_excl" EXCLUDE USING gist ("pro_id" WITH =, "window_range" WITH &&) WHERE ("state" = 'accepted');--> statement-breakpoint
CREATE TABLE "pro_working_hours" (
	"pro_id" text NOT NULL REFERENCES "pros"("user_id") ON DELETE cascade,
	"weekday" smallint NOT NULL,
	"starts_at" time NOT NULL,
	"ends_at" time NOT NULL,
	CONSTRAINT "pro_working_hours_pkey" PRIMARY KEY ("pro_id", "weekday"),
	CONSTRAINT "pro_working_hours_weekday_check" CHECK ("weekday" between 1 and 7),
	CONSTRAINT "pro_working_hours_span_check" CHECK ("starts_at" < "ends_at")
);--> statement-breakpoint
INSERT INTO "pro_working_hours" ("pro_id", "weekday", "starts_at", "ends_at")
  SELECT p."user_id", d, time '08:00', time '18:00' FROM "pros" p, generate_series(1, 7) d ON CONFLICT DO NOTHING;--> statement-breakpoint
CREATE TABLE "pro_days_off" (
	"pro_id" text NOT NULL REFERENCES "pros"("user_id") ON DELETE cascade,
	"day" date NOT NULL,
	CONSTRAINT "pro_days_off_pkey" PRIMARY KEY ("pro_id", "day")
);--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL REFERENCES "orders"("id"),
	"amount_cents" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"mode" text NOT NULL,
	"stripe_refund_id" text,
	"reason" text,
	"requested_by" text REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "refunds_order_id_key" UNIQUE ("order_id"),
	CONSTRAINT "refunds_amount_check" CHECK ("amount_cents" > 0),
	CONSTRAINT "refunds_status_check" CHECK ("status" in ('pending', 'succeeded', 'failed')),
	CONSTRAINT "refunds_mode_check" CHECK ("mode" in ('stripe', 'test')),
	CONSTRAINT "refunds_succeeded_check" CHECK (("status" = 'succeeded') = ("refunded_at" is not null))
);--> statement-breakpoint
ALTER TABLE "job_events" DROP CONSTRAINT "job_events_type_check";--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_type_check" CHECK ("job_events"."type" in ('created', 'scheduled', 'rescheduled', 'accepted', 'assigned', 'reassigned', 'released', 'completed', 'cancelled', 'photo_added', 'photo_removed', 'departed', 'started', 'moved_back', 'reopened', 'widened', 'escalated', 'refunded'));
