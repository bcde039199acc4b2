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
