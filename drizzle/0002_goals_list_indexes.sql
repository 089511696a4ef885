DROP INDEX "goals_contact_idx";--> statement-breakpoint
CREATE INDEX "goals_user_created_idx" ON "goals" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "goals_contact_idx" ON "goals" USING btree ("contact_id","created_at","id");