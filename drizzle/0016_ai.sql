CREATE TABLE "ai_prompts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"task" text NOT NULL,
	"model" text NOT NULL,
	"contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"prompt" jsonb NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'ok' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ai_prompts" ADD CONSTRAINT "ai_prompts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_prompts_user_created_idx" ON "ai_prompts" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ai_prompts_contacts_idx" ON "ai_prompts" USING gin ("contact_ids");