-- An assignment dispatch made waits for the pro to acknowledge it (acknowledged_at is null until
-- then); a pro who accepts an offer acknowledges by accepting (the default). Existing ones count
-- as acknowledged when they were made.
ALTER TABLE "job_assignments" ADD COLUMN "acknowledged_at" timestamp with time zone DEFAULT now();
--> statement-breakpoint
UPDATE "job_assignments" SET "acknowledged_at" = "assigned_at";
