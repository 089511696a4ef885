DROP INDEX "interactions_user_occurred_idx";--> statement-breakpoint
CREATE INDEX "interactions_user_occurred_idx" ON "interactions" USING btree ("user_id","occurred_at","id","type");