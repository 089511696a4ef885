CREATE TYPE "public"."calendar_subscription_status" AS ENUM('pending', 'ok', 'failed');--> statement-breakpoint
CREATE TABLE "calendar_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"url" text NOT NULL,
	"status" "calendar_subscription_status" DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"etag" text,
	"last_modified" text,
	"last_counts" jsonb,
	"last_fetched_at" timestamp (3) with time zone,
	"next_fetch_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calendar_subscriptions" ADD CONSTRAINT "calendar_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_subscriptions_user_url_idx" ON "calendar_subscriptions" USING btree ("user_id","url");--> statement-breakpoint
CREATE INDEX "calendar_subscriptions_due_idx" ON "calendar_subscriptions" USING btree ("next_fetch_at");