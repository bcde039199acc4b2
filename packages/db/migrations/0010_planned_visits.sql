-- Planned visits (issue 23, part 0): a pro's day is measured in minutes, not windows. Each bundle has a
-- service duration; a job's is the sum over its order's items (duration x quantity). A live assignment
-- stores its planned visit (arrival, start, end, and the drive that leads to it); the exclusion
-- constraint moves from windows to visits, travel included: [arrival - drive, end).
ALTER TABLE "bundles" ADD COLUMN "duration_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_duration_check" CHECK ("bundles"."duration_minutes" between 5 and 720);--> statement-breakpoint
UPDATE "bundles" SET "duration_minutes" = CASE "sku"
  WHEN 'tv-mount-standard' THEN 60
  WHEN 'tv-mount-premium' THEN 120
  WHEN 'smart-home-starter' THEN 90
  WHEN 'security-camera-4' THEN 150
  WHEN 'wifi-mesh' THEN 60
  ELSE 60 END;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "service_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_service_minutes_check" CHECK ("dispatch_jobs"."service_minutes" between 5 and 1440);--> statement-breakpoint
-- The one definition of a job's length: its order's bundles, read when the job is created.
CREATE FUNCTION "order_service_minutes"(order_id text) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT least(1440, greatest(5, sum(b."duration_minutes" * greatest(1, coalesce((i->>'quantity')::int, 1)))))::int
    FROM "orders" o, jsonb_array_elements(o."items") i, "bundles" b
   WHERE o."id" = order_id AND b."sku" = i->>'sku'
$$;--> statement-breakpoint
CREATE FUNCTION "dispatch_jobs_set_service_minutes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."service_minutes" := coalesce("order_service_minutes"(NEW."order_id"), NEW."service_minutes");
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "dispatch_jobs_service_minutes" BEFORE INSERT ON "dispatch_jobs"
  FOR EACH ROW EXECUTE FUNCTION "dispatch_jobs_set_service_minutes"();--> statement-breakpoint
UPDATE "dispatch_jobs" j SET "service_minutes" = coalesce("order_service_minutes"(j."order_id"), 60);--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "planned_arrival" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "planned_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "planned_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "drive_minutes" integer;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "visit_range" tstzrange;--> statement-breakpoint
-- Existing live assignments keep their jobs: arrival at the window's start, no drive recorded, the
-- visit as long as the job (cut at the pro's next window start, which the old rule kept 3 hours away).
UPDATE "job_assignments" a SET
    "planned_arrival" = v."start", "planned_start" = v."start", "planned_end" = v."end", "drive_minutes" = 0,
    "visit_range" = tstzrange(v."start", v."end", '[)')
  FROM (
    SELECT a2."id", j."due_at" AS "start",
           least(j."due_at" + make_interval(mins => j."service_minutes"),
                 coalesce((SELECT min(j3."due_at") FROM "job_assignments" a3 JOIN "dispatch_jobs" j3 ON j3."id" = a3."job_id"
                            WHERE a3."pro_id" = a2."pro_id" AND a3."state" = 'accepted' AND j3."due_at" > j."due_at"), 'infinity')) AS "end"
      FROM "job_assignments" a2 JOIN "dispatch_jobs" j ON j."id" = a2."job_id"
     WHERE a2."state" = 'accepted' AND j."due_at" IS NOT NULL
  ) v
 WHERE v."id" = a."id";--> statement-breakpoint
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_visit_check" CHECK (
  ("visit_range" IS NULL AND "planned_arrival" IS NULL AND "planned_start" IS NULL AND "planned_end" IS NULL AND "drive_minutes" IS NULL)
  OR ("visit_range" IS NOT NULL AND "planned_arrival" <= "planned_start" AND "planned_start" < "planned_end" AND "drive_minutes" >= 0
      AND lower("visit_range") = "planned_arrival" - make_interval(mins => "drive_minutes") AND upper("visit_range") = "planned_end"));--> statement-breakpoint
ALTER TABLE "job_assignments" DROP CONSTRAINT "job_assignments_pro_window_excl";--> statement-breakpoint
-- No pro in two places at once, the drive to each visit included; PostgreSQL decides under races.
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_pro_visit_excl" EXCLUDE USING gist ("pro_id" WITH =, "visit_range" WITH &&) WHERE ("state" = 'accepted');
