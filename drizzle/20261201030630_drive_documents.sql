CREATE TABLE "document_contacts" (
	"document_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_contacts_document_id_contact_id_pk" PRIMARY KEY("document_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "documents" DROP CONSTRAINT "documents_contact_id_contacts_id_fk";
--> statement-breakpoint
DROP INDEX "documents_contact_idx";--> statement-breakpoint
ALTER TABLE "documents" ALTER COLUMN "modified_at" SET DEFAULT now();--> statement-breakpoint
UPDATE "documents" SET "modified_at" = "created_at" WHERE "modified_at" IS NULL;--> statement-breakpoint
ALTER TABLE "documents" ALTER COLUMN "modified_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "document_contacts" ADD CONSTRAINT "document_contacts_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_contacts" ADD CONSTRAINT "document_contacts_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_contacts" ADD CONSTRAINT "document_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_contacts_contact_idx" ON "document_contacts" USING btree ("contact_id","document_id");--> statement-breakpoint
CREATE INDEX "documents_user_modified_idx" ON "documents" USING btree ("user_id","modified_at","id");--> statement-breakpoint
CREATE INDEX "documents_search_trgm_idx" ON "documents" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
-- The old single contact of each document becomes its first link; the folded search text is built
-- for the rows already there (the sync builds it in Node with foldText from now on).
INSERT INTO "document_contacts" ("document_id", "contact_id", "user_id", "created_at")
  SELECT "id", "contact_id", "user_id", "created_at" FROM "documents" WHERE "contact_id" IS NOT NULL
  ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "documents" SET "search_text" = lower(translate("name" || ' ' || "extracted_text",
  'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïıİÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÇçÑñŸÿÝýŞşĞğ',
  'AAAAAAaaaaaaEEEEeeeeIIIIiiiiiiOOOOOOooooooUUUUuuuuCcNnYyYySsGg'));--> statement-breakpoint
ALTER TABLE "documents" DROP COLUMN "contact_id";