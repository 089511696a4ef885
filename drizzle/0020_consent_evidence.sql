CREATE TABLE "consent_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"mime_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "evidence_id" uuid;--> statement-breakpoint
ALTER TABLE "consent_evidence" ADD CONSTRAINT "consent_evidence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_evidence" ADD CONSTRAINT "consent_evidence_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_evidence_contact_idx" ON "consent_evidence" USING btree ("contact_id","created_at");--> statement-breakpoint
CREATE INDEX "consent_evidence_user_idx" ON "consent_evidence" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_evidence_id_consent_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."consent_evidence"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The evidence an entry names is part of the entry: never edited either.
CREATE OR REPLACE FUNCTION consents_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.user_id, NEW.purpose, NEW.is_granted, NEW.method, NEW.note, NEW.expires_at, NEW.recorded_by, NEW.recorded_at, NEW.seq, NEW.evidence_id)
     IS DISTINCT FROM (OLD.id, OLD.user_id, OLD.purpose, OLD.is_granted, OLD.method, OLD.note, OLD.expires_at, OLD.recorded_by, OLD.recorded_at, OLD.seq, OLD.evidence_id) THEN
    RAISE EXCEPTION 'consent ledger entries are never edited; append a new entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
