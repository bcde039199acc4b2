-- Crews (issue 25): a bundle needs crew_size pros; a job the largest of its bundles'. Seats are claimed
-- one per pro: seats_taken is the counter one conditional UPDATE raises (the winner of each seat), the
-- seat rows record who holds which; the keys keep seats within the crew size and one pro to one seat.
ALTER TABLE "bundles" ADD COLUMN "crew_size" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_crew_size_check" CHECK ("crew_size" between 1 and 4);--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "crew_size" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD COLUMN "seats_taken" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_crew_size_check" CHECK ("crew_size" between 1 and 4);--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_seats_taken_check" CHECK ("seats_taken" between 0 and "crew_size");--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_id_crew_size_key" UNIQUE ("id", "crew_size");--> statement-breakpoint
CREATE TABLE "job_crew_seats" (
  "id" text PRIMARY KEY NOT NULL,
  "job_id" text NOT NULL,
  "crew_size" smallint NOT NULL,
  "seat" smallint NOT NULL,
  "pro_id" text NOT NULL REFERENCES "pros"("user_id"),
  "claimed_at" timestamp with time zone NOT NULL,
  "assigned_by" text REFERENCES "users"("id"),
  CONSTRAINT "job_crew_seats_job_fk" FOREIGN KEY ("job_id", "crew_size") REFERENCES "dispatch_jobs"("id", "crew_size"),
  CONSTRAINT "job_crew_seats_seat_check" CHECK ("seat" between 1 and "crew_size"),
  CONSTRAINT "job_crew_seats_job_seat_key" UNIQUE ("job_id", "seat"),
  CONSTRAINT "job_crew_seats_job_pro_key" UNIQUE ("job_id", "pro_id")
);--> statement-breakpoint
CREATE INDEX "job_crew_seats_pro_idx" ON "job_crew_seats" ("pro_id");--> statement-breakpoint
-- A new job needs the largest crew of its order's bundles (read from the catalog as the job is created).
CREATE FUNCTION dispatch_jobs_crew_size() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.crew_size := greatest(NEW.crew_size, coalesce((
    SELECT max(b.crew_size) FROM orders o, jsonb_array_elements(o.items) i, bundles b
     WHERE o.id = NEW.order_id AND b.sku = i->>'sku'), 1));
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "dispatch_jobs_crew_size" BEFORE INSERT ON "dispatch_jobs" FOR EACH ROW EXECUTE FUNCTION dispatch_jobs_crew_size();
