CREATE TABLE "bundles" (
	"sku" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"price_cents" integer NOT NULL,
	"items" jsonb NOT NULL,
	"equipment" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "bundles_sku_check" CHECK ("bundles"."sku" ~ '^[a-z0-9-]{2,64}$'),
	CONSTRAINT "bundles_price_check" CHECK ("bundles"."price_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "customer_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"storage_key" text NOT NULL,
	"url" text NOT NULL,
	"file_size" integer NOT NULL,
	"mime_type" text NOT NULL,
	"original_filename" text NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_uploads_storage_key_key" UNIQUE("storage_key"),
	CONSTRAINT "customer_uploads_job_sha256_key" UNIQUE("job_id","sha256"),
	CONSTRAINT "customer_uploads_size_check" CHECK ("customer_uploads"."file_size" between 1 and 10485760),
	CONSTRAINT "customer_uploads_mime_check" CHECK (mime_type in ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
	CONSTRAINT "customer_uploads_sha256_check" CHECK ("customer_uploads"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "customer_uploads_filename_check" CHECK (length("customer_uploads"."original_filename") between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "dispatch_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"due_at" timestamp with time zone,
	"job_details" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"timezone" text NOT NULL,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"postal_code" text NOT NULL,
	"equipment" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"assigned_pro_id" text,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispatch_jobs_order_id_key" UNIQUE("order_id"),
	CONSTRAINT "dispatch_jobs_status_check" CHECK (status in ('queued', 'scheduled', 'accepted', 'completed', 'cancelled')),
	CONSTRAINT "dispatch_jobs_job_details_check" CHECK (length(btrim("dispatch_jobs"."job_details")) > 0),
	CONSTRAINT "dispatch_jobs_scheduled_due_check" CHECK ("dispatch_jobs"."status" <> 'scheduled' or "dispatch_jobs"."due_at" is not null),
	CONSTRAINT "dispatch_jobs_assignment_check" CHECK (("dispatch_jobs"."status" in ('accepted', 'completed')) = ("dispatch_jobs"."assigned_pro_id" is not null) or "dispatch_jobs"."status" = 'cancelled'),
	CONSTRAINT "dispatch_jobs_completed_check" CHECK (("dispatch_jobs"."status" = 'completed') = ("dispatch_jobs"."completed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "job_assignments" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"pro_id" text NOT NULL,
	"state" text NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "job_assignments_job_pro_key" UNIQUE("job_id","pro_id"),
	CONSTRAINT "job_assignments_state_check" CHECK (state in ('offered', 'accepted', 'released', 'completed'))
);
--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"actor_user_id" text,
	"actor_role" text NOT NULL,
	"type" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_events_type_check" CHECK (type in ('created', 'scheduled', 'rescheduled', 'accepted', 'assigned', 'reassigned', 'released', 'completed', 'cancelled', 'photo_added', 'photo_removed')),
	CONSTRAINT "job_events_actor_role_check" CHECK (actor_role in ('customer', 'pro', 'admin', 'system', 'stripe'))
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"stripe_session_id" text NOT NULL,
	"customer_user_id" text NOT NULL,
	"customer_name" text NOT NULL,
	"customer_email" text NOT NULL,
	"customer_phone" text NOT NULL,
	"address_line1" text NOT NULL,
	"address_line2" text,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"postal_code" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"timezone" text NOT NULL,
	"items" jsonb NOT NULL,
	"amount_total_cents" integer NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"payment_status" text DEFAULT 'pending' NOT NULL,
	"notes" text,
	"schedule_date" date,
	"schedule_time_window" text,
	"schedule_timezone" text,
	"schedule_status" text DEFAULT 'unscheduled' NOT NULL,
	"scheduled_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_stripe_session_id_key" UNIQUE("stripe_session_id"),
	CONSTRAINT "orders_id_check" CHECK ("orders"."id" ~ '^ORD-[A-Z2-7]{8}$'),
	CONSTRAINT "orders_amount_check" CHECK ("orders"."amount_total_cents" > 0),
	CONSTRAINT "orders_items_check" CHECK (jsonb_typeof("orders"."items") = 'array' and jsonb_array_length("orders"."items") > 0),
	CONSTRAINT "orders_payment_status_check" CHECK (payment_status in ('pending', 'paid', 'expired', 'failed')),
	CONSTRAINT "orders_paid_at_check" CHECK (("orders"."payment_status" = 'paid') = ("orders"."paid_at" is not null)),
	CONSTRAINT "orders_time_window_check" CHECK (schedule_time_window in ('9am - 12pm', '12pm - 3pm', '3pm - 6pm')),
	CONSTRAINT "orders_schedule_check" CHECK (("orders"."schedule_status" = 'unscheduled' and "orders"."schedule_date" is null and "orders"."schedule_time_window" is null and "orders"."schedule_timezone" is null and "orders"."scheduled_at" is null)
       or ("orders"."schedule_status" = 'scheduled' and "orders"."schedule_date" is not null and "orders"."schedule_time_window" is not null and "orders"."schedule_timezone" is not null and "orders"."scheduled_at" is not null and "orders"."payment_status" = 'paid'))
);
--> statement-breakpoint
CREATE TABLE "outbound_emails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pros" (
	"user_id" text PRIMARY KEY NOT NULL,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"timezone" text NOT NULL,
	"service_radius_miles" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pros_radius_check" CHECK ("pros"."service_radius_miles" between 1 and 500),
	CONSTRAINT "pros_lat_check" CHECK ("pros"."lat" between -90 and 90 and "pros"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"order_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK (role in ('customer', 'pro', 'admin')),
	CONSTRAINT "users_email_check" CHECK ("users"."email" ~ '^[^@\s]+@[^@\s]+$'),
	CONSTRAINT "users_staff_password_check" CHECK ("users"."role" = 'customer' or "users"."password_hash" is not null)
);
--> statement-breakpoint
ALTER TABLE "customer_uploads" ADD CONSTRAINT "customer_uploads_job_id_dispatch_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."dispatch_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_uploads" ADD CONSTRAINT "customer_uploads_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_jobs" ADD CONSTRAINT "dispatch_jobs_assigned_pro_id_pros_user_id_fk" FOREIGN KEY ("assigned_pro_id") REFERENCES "public"."pros"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_job_id_dispatch_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."dispatch_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_assignments" ADD CONSTRAINT "job_assignments_pro_id_pros_user_id_fk" FOREIGN KEY ("pro_id") REFERENCES "public"."pros"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_dispatch_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."dispatch_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_user_id_users_id_fk" FOREIGN KEY ("customer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pros" ADD CONSTRAINT "pros_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_tokens" ADD CONSTRAINT "sign_in_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispatch_jobs_open_location_idx" ON "dispatch_jobs" USING btree ("lat","lng") WHERE "dispatch_jobs"."status" in ('queued', 'scheduled') and "dispatch_jobs"."assigned_pro_id" is null;--> statement-breakpoint
CREATE INDEX "dispatch_jobs_pro_due_idx" ON "dispatch_jobs" USING btree ("assigned_pro_id","due_at");--> statement-breakpoint
CREATE INDEX "dispatch_jobs_status_created_idx" ON "dispatch_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_assignments_one_accepted_idx" ON "job_assignments" USING btree ("job_id") WHERE "job_assignments"."state" in ('accepted', 'completed');--> statement-breakpoint
CREATE INDEX "job_assignments_pro_idx" ON "job_assignments" USING btree ("pro_id","state");--> statement-breakpoint
CREATE INDEX "job_events_job_idx" ON "job_events" USING btree ("job_id","id");--> statement-breakpoint
CREATE INDEX "login_failures_email_at_idx" ON "login_failures" USING btree ("email_key","at");--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("customer_user_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email"));