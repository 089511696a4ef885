ALTER TABLE "emails" ADD COLUMN "contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
CREATE INDEX "emails_contact_ids_idx" ON "emails" USING gin ("contact_ids");
