-- Crew visits (issue 25): every seat-holder's day is under the no-overlap rule. Each seat-holder of a
-- crew job holds a job_assignments row of their own, with their own planned visit (arrival, drive,
-- end), in state 'seated'; when the crew is complete the lead's row becomes the job's 'accepted'
-- assignment (keeping its visit). job_assignments_pro_visit_excl now holds both states, so PostgreSQL
-- refuses a pro in two places at once whichever seat or job they hold. A 'seated' row must belong to
-- the pro who holds a seat of that job (a foreign key through seat_job_id, set only while seated);
-- when the job is completed the seated rows become 'seat_completed', when cancelled 'released'.
ALTER TABLE "job_assignments" DROP CONSTRAINT "job_assignments_state_check";--> statement-breakpoint
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_state_check" CHECK ("job_assignments"."state" in ('offered', 'accepted', 'released', 'completed', 'seated', 'seat_completed'));--> statement-breakpoint
ALTER TABLE "job_assignments" ADD COLUMN "seat_job_id" text GENERATED ALWAYS AS (CASE WHEN "state" = 'seated' THEN "job_id" END) STORED;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_seat_fk" FOREIGN KEY ("seat_job_id", "pro_id") REFERENCES "job_crew_seats"("job_id", "pro_id");--> statement-breakpoint
ALTER TABLE "job_assignments" DROP CONSTRAINT "job_assignments_pro_visit_excl";--> statement-breakpoint
-- No pro in two places at once, the drive to each visit included, one-pro jobs and crew seats alike.
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_pro_visit_excl" EXCLUDE USING gist ("pro_id" WITH =, "visit_range" WITH &&) WHERE ("state" in ('accepted', 'seated'));--> statement-breakpoint
CREATE FUNCTION "crew_seats_follow_job"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" = 'completed' THEN
    UPDATE "job_assignments" SET "state" = 'seat_completed', "completed_at" = NEW."updated_at"
     WHERE "job_id" = NEW."id" AND "state" = 'seated';
  ELSIF NEW."status" = 'cancelled' THEN
    UPDATE "job_assignments" SET "state" = 'released', "released_at" = NEW."updated_at", "window_range" = NULL,
           "planned_arrival" = NULL, "planned_start" = NULL, "planned_end" = NULL, "drive_minutes" = NULL, "visit_range" = NULL
     WHERE "job_id" = NEW."id" AND "state" = 'seated';
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "dispatch_jobs_crew_seats_follow" AFTER UPDATE OF "status" ON "dispatch_jobs" FOR EACH ROW
  WHEN (NEW."crew_size" > 1 AND NEW."status" in ('completed', 'cancelled') AND OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "crew_seats_follow_job"();--> statement-breakpoint
-- Existing seats: each holder (the row takes the seat's id, as new claims do) of a seat on a live job gets their row (the lead's accepted assignment
-- keeps its own), and every such row without a visit gets one where the rule allows: arrival at the
-- window's start, no drive recorded, as long as the job. A visit that would overlap one the pro
-- already holds is left unplaced (the row still exists; `pnpm integrity` names it for dispatch).
INSERT INTO "job_assignments" ("id", "job_id", "pro_id", "state", "assigned_at", "acknowledged_at", "window_range")
SELECT s."id", s."job_id", s."pro_id", 'seated', s."claimed_at", s."claimed_at",
       CASE WHEN j."due_at" IS NOT NULL THEN tstzrange(j."due_at", j."due_at" + interval '3 hours', '[)') END
  FROM "job_crew_seats" s JOIN "dispatch_jobs" j ON j."id" = s."job_id"
 WHERE j."status" NOT IN ('completed', 'cancelled')
   AND NOT EXISTS (SELECT 1 FROM "job_assignments" a WHERE a."job_id" = s."job_id" AND a."pro_id" = s."pro_id" AND a."state" IN ('accepted', 'completed', 'seated'))
ON CONFLICT ("job_id", "pro_id") DO UPDATE SET "state" = 'seated', "released_at" = NULL, "completed_at" = NULL,
  "window_range" = excluded."window_range", "planned_arrival" = NULL, "planned_start" = NULL, "planned_end" = NULL,
  "drive_minutes" = NULL, "visit_range" = NULL;--> statement-breakpoint
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT a."id", j."due_at", j."service_minutes"
             FROM "job_assignments" a JOIN "dispatch_jobs" j ON j."id" = a."job_id"
            WHERE j."crew_size" > 1 AND a."state" IN ('accepted', 'seated') AND a."visit_range" IS NULL AND j."due_at" IS NOT NULL
            ORDER BY j."due_at", a."id"
  LOOP
    BEGIN
      UPDATE "job_assignments" SET "planned_arrival" = r."due_at", "planned_start" = r."due_at",
             "planned_end" = r."due_at" + make_interval(mins => r."service_minutes"), "drive_minutes" = 0,
             "visit_range" = tstzrange(r."due_at", r."due_at" + make_interval(mins => r."service_minutes"), '[)')
       WHERE "id" = r."id";
    EXCEPTION WHEN exclusion_violation THEN
      RAISE NOTICE 'crew visit % left unplaced: it overlaps another visit of its pro', r."id";
    END;
  END LOOP;
END
$$;
