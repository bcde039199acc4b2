CREATE TABLE "service_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"skills" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	CONSTRAINT "service_requests_email_postal_code_key" UNIQUE ("email", "postal_code"),
	CONSTRAINT "service_requests_postal_code_check" CHECK ("postal_code" ~ '^[0-9]{5}$'),
	CONSTRAINT "service_requests_email_check" CHECK (length("email") between 3 and 254 and position('@' in "email") > 1)
);--> statement-breakpoint
CREATE INDEX "service_requests_postal_code_idx" ON "service_requests" ("postal_code");
