ALTER TABLE "contacts" ADD COLUMN "email_labels" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phone_labels" jsonb DEFAULT '{}'::jsonb NOT NULL;