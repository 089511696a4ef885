CREATE TABLE "google_pending_links" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"google_sub" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_signin_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"browser_hash" text NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"nonce" text NOT NULL,
	"timezone" text,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "google_pending_links" ADD CONSTRAINT "google_pending_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "google_pending_links_expires_idx" ON "google_pending_links" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "google_pending_links_user_idx" ON "google_pending_links" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "google_signin_states_expires_idx" ON "google_signin_states" USING btree ("expires_at");