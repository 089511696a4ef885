CREATE TABLE "task_delegations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"segment_by" text NOT NULL,
	"segments" jsonb NOT NULL,
	"model" text NOT NULL,
	"created_task_ids" uuid[],
	"made_without_model" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "ai_suggestions" ADD COLUMN "dedupe_key" text DEFAULT gen_random_uuid()::text NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_suggestions" ADD COLUMN "result" jsonb;--> statement-breakpoint
ALTER TABLE "task_delegations" ADD CONSTRAINT "task_delegations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_delegations" ADD CONSTRAINT "task_delegations_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_delegations_user_task_idx" ON "task_delegations" USING btree ("user_id","task_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ai_suggestions_user_key_uq" ON "ai_suggestions" USING btree ("user_id","dedupe_key");