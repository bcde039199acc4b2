-- Issue 20, item 8: the background worker records that it is alive, so the apps' /readyz can say so.
CREATE TABLE "worker_heartbeats" (
	"worker" text PRIMARY KEY NOT NULL,
	"beat_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worker_heartbeats_worker_check" CHECK (length("worker_heartbeats"."worker") between 1 and 200)
);
