CREATE TABLE "ai_event_classifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"event_key" text NOT NULL,
	"method" text NOT NULL,
	"model" text NOT NULL,
	"result" jsonb NOT NULL,
	"contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "sentiment_trend" text;--> statement-breakpoint
ALTER TABLE "ai_event_classifications" ADD CONSTRAINT "ai_event_classifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ai_event_classifications_hash_uq" ON "ai_event_classifications" USING btree ("user_id","content_hash");--> statement-breakpoint
CREATE INDEX "ai_event_classifications_user_created_idx" ON "ai_event_classifications" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ai_event_classifications_contacts_idx" ON "ai_event_classifications" USING gin ("contact_ids");