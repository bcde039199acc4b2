ALTER TABLE "sessions" ADD COLUMN "scope_order_id" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_scope_order_id_orders_id_fk" FOREIGN KEY ("scope_order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_scope_order_idx" ON "sessions" USING btree ("scope_order_id") WHERE "sessions"."scope_order_id" is not null;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_expires_after_created" CHECK ("sessions"."expires_at" > "sessions"."created_at");--> statement-breakpoint
CREATE TABLE "rate_limit_hits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bucket" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "rate_limit_hits_bucket_not_blank" CHECK (length("rate_limit_hits"."bucket") > 0)
);
--> statement-breakpoint
CREATE INDEX "rate_limit_hits_bucket_at_idx" ON "rate_limit_hits" USING btree ("bucket","at");
