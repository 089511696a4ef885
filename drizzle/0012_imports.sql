CREATE TYPE "public"."import_duplicates" AS ENUM('skip', 'update', 'create');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('queued', 'running', 'finished', 'failed');--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "import_status" DEFAULT 'queued' NOT NULL,
	"filename" text DEFAULT '' NOT NULL,
	"format" text NOT NULL,
	"file" "bytea",
	"mapping" jsonb,
	"tag_ids" uuid[] DEFAULT '{}' NOT NULL,
	"duplicates" "import_duplicates" DEFAULT 'skip' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"report" jsonb,
	"run_started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_user_created_idx" ON "imports" USING btree ("user_id","created_at","id");