-- A crew job reopened (completed back to in progress: admin.moveBack) gets its seat-holders back. 0014's
-- trigger moved their rows to 'seat_completed' when the job was done but never back, so after a reopen
-- their time was no longer held by job_assignments_pro_visit_excl (the lead's row returns to 'accepted'
-- in visit.ts). The trigger now follows the job both ways; a seat-holder who has since taken another job
-- at that time makes the reopen fail on the constraint, which moveVisitBack explains.
CREATE OR REPLACE FUNCTION "crew_seats_follow_job"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" = 'completed' THEN
    UPDATE "job_assignments" SET "state" = 'seat_completed', "completed_at" = NEW."updated_at"
     WHERE "job_id" = NEW."id" AND "state" = 'seated';
  ELSIF NEW."status" = 'cancelled' THEN
    UPDATE "job_assignments" SET "state" = 'released', "released_at" = NEW."updated_at", "window_range" = NULL,
           "planned_arrival" = NULL, "planned_start" = NULL, "planned_end" = NULL, "drive_minutes" = NULL, "visit_range" = NULL
     WHERE "job_id" = NEW."id" AND "state" = 'seated';
  ELSIF OLD."status" = 'completed' THEN
    UPDATE "job_assignments" SET "state" = 'seated', "completed_at" = NULL
     WHERE "job_id" = NEW."id" AND "state" = 'seat_completed';
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER "dispatch_jobs_crew_seats_follow" ON "dispatch_jobs";--> statement-breakpoint
CREATE TRIGGER "dispatch_jobs_crew_seats_follow" AFTER UPDATE OF "status" ON "dispatch_jobs" FOR EACH ROW
  WHEN (NEW."crew_size" > 1 AND OLD."status" IS DISTINCT FROM NEW."status"
        AND (NEW."status" in ('completed', 'cancelled') OR OLD."status" = 'completed'))
  EXECUTE FUNCTION "crew_seats_follow_job"();
