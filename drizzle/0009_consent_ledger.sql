-- The consent ledger (issue 11): consents becomes an append-only list of decisions per purpose, and
-- contacts.has_ai_consent / has_photo_consent become views of it (derived in the SQL that builds a
-- contact), so an expiry passing is seen without a write. Nothing is lost: the old rows are mapped to
-- the new purposes and methods, and where a contact's flag disagrees with its latest entry (or it has
-- none), a 'migrated' entry records the flag's value.
CREATE TYPE "public"."consent_method" AS ENUM('form', 'email', 'verbal', 'other');--> statement-breakpoint
CREATE TYPE "public"."consent_purpose" AS ENUM('email_ingestion', 'calendar_ingestion', 'document_ingestion', 'ai_processing', 'photo_enrichment');--> statement-breakpoint
DROP INDEX "consents_contact_idx";--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "purpose" "consent_purpose";--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "method" "consent_method";--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "recorded_by" uuid;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "consents_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Old kinds to purposes ('marketing' has no purpose in the ledger: those rows, never written by the app, go).
UPDATE "consents" SET
  "purpose" = CASE "kind"::text
    WHEN 'ai_processing' THEN 'ai_processing'::consent_purpose
    WHEN 'photo' THEN 'photo_enrichment'::consent_purpose
    WHEN 'email_sync' THEN 'email_ingestion'::consent_purpose
  END,
  "method" = CASE "source"
    WHEN 'intake_form' THEN 'form'::consent_method
    WHEN 'email' THEN 'email'::consent_method
    WHEN 'verbal' THEN 'verbal'::consent_method
    ELSE 'other'::consent_method
  END,
  "note" = left("note", 1000),
  "recorded_by" = "user_id";--> statement-breakpoint
DELETE FROM "consents" WHERE "purpose" IS NULL;--> statement-breakpoint
ALTER TABLE "consents" DROP COLUMN "kind";--> statement-breakpoint
ALTER TABLE "consents" DROP COLUMN "source";--> statement-breakpoint
-- The flags were the truth: append an entry wherever the latest entry (none counts as withdrawn) disagrees.
INSERT INTO "consents" ("user_id", "contact_id", "purpose", "is_granted", "method", "note", "recorded_by")
SELECT c."user_id", c."id", f."purpose", f."granted", 'other', 'migrated', c."user_id"
FROM "contacts" c
CROSS JOIN LATERAL (VALUES ('ai_processing'::consent_purpose, c."has_ai_consent"), ('photo_enrichment'::consent_purpose, c."has_photo_consent")) AS f("purpose", "granted")
WHERE f."granted" IS DISTINCT FROM coalesce((
  SELECT x."is_granted" FROM "consents" x
  WHERE x."contact_id" = c."id" AND x."purpose" = f."purpose"
  ORDER BY x."recorded_at" DESC, x."seq" DESC LIMIT 1
), false);--> statement-breakpoint
ALTER TABLE "consents" ALTER COLUMN "purpose" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "consents" ALTER COLUMN "method" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "consents_latest_idx" ON "consents" USING btree ("contact_id","purpose","recorded_at","seq");--> statement-breakpoint
CREATE INDEX "consents_history_idx" ON "consents" USING btree ("contact_id","recorded_at","seq");--> statement-breakpoint
ALTER TABLE "contacts" DROP COLUMN "has_ai_consent";--> statement-breakpoint
ALTER TABLE "contacts" DROP COLUMN "has_photo_consent";--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_note_len" CHECK (char_length("consents"."note") <= 1000);--> statement-breakpoint
DROP TYPE "public"."consent_kind";--> statement-breakpoint
-- Entries are never edited: only contact_id may change (a merge moves a contact's entries).
-- DELETE stays allowed, for the contact and account erasure cascades.
CREATE FUNCTION consents_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.user_id, NEW.purpose, NEW.is_granted, NEW.method, NEW.note, NEW.expires_at, NEW.recorded_by, NEW.recorded_at, NEW.seq)
     IS DISTINCT FROM (OLD.id, OLD.user_id, OLD.purpose, OLD.is_granted, OLD.method, OLD.note, OLD.expires_at, OLD.recorded_by, OLD.recorded_at, OLD.seq) THEN
    RAISE EXCEPTION 'consent ledger entries are never edited; append a new entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER consents_append_only BEFORE UPDATE ON "consents" FOR EACH ROW EXECUTE FUNCTION consents_refuse_edit();
