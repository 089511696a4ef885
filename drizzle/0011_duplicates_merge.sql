-- Duplicates and merges (issue 11, items 4 and 5): the account's country for phone numbers, the
-- contacts' phones in E.164 form and a folded name (both indexed), dismissed pairs, and merges.
ALTER TABLE "users" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phones_e164" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- The service writes E.164 from now on; numbers already stored get the same key it gives without a
-- country: '+' and the digits when written with a country code, the digits alone otherwise.
UPDATE "contacts" SET "phones_e164" = coalesce((
  SELECT array_agg(DISTINCT k) FROM (
    SELECT CASE
      WHEN btrim(p) ~ '^(\+|00)' THEN '+' || regexp_replace(regexp_replace(btrim(p), '^00', ''), '\D', '', 'g')
      ELSE regexp_replace(p, '\D', '', 'g')
    END AS k
    FROM unnest("phones") p
  ) x WHERE length(k) >= 5
), '{}'::text[]) WHERE "phones" <> '{}'::text[];--> statement-breakpoint
CREATE FUNCTION "contact_name_key"(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(lower(translate(name,
    'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïıİÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÇçÑñŸÿÝýŞşĞğ',
    'AAAAAAaaaaaaEEEEeeeeIIIIiiiiiiOOOOOOooooooUUUUuuuuCcNnYyYySsGg')), '\s+', ' ', 'g'))
$$;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "name_key" text GENERATED ALWAYS AS (contact_name_key(name)) STORED;--> statement-breakpoint
CREATE INDEX "contacts_phones_e164_idx" ON "contacts" USING gin ("phones_e164");--> statement-breakpoint
CREATE INDEX "contacts_name_key_trgm_idx" ON "contacts" USING gin ("name_key" gin_trgm_ops);--> statement-breakpoint
CREATE TABLE "duplicate_dismissals" (
	"user_id" uuid NOT NULL,
	"contact_a" uuid NOT NULL,
	"contact_b" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duplicate_dismissals_contact_a_contact_b_pk" PRIMARY KEY("contact_a","contact_b"),
	CONSTRAINT "duplicate_dismissals_ordered" CHECK ("contact_a" < "contact_b")
);
--> statement-breakpoint
ALTER TABLE "duplicate_dismissals" ADD CONSTRAINT "duplicate_dismissals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_dismissals" ADD CONSTRAINT "duplicate_dismissals_contact_a_contacts_id_fk" FOREIGN KEY ("contact_a") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_dismissals" ADD CONSTRAINT "duplicate_dismissals_contact_b_contacts_id_fk" FOREIGN KEY ("contact_b") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duplicate_dismissals_user_idx" ON "duplicate_dismissals" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "duplicate_dismissals_b_idx" ON "duplicate_dismissals" USING btree ("contact_b");--> statement-breakpoint
CREATE TABLE "contact_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"primary_id" uuid NOT NULL,
	"merged_ids" uuid[] NOT NULL,
	"snapshot" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "contact_merges" ADD CONSTRAINT "contact_merges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_merges" ADD CONSTRAINT "contact_merges_primary_id_contacts_id_fk" FOREIGN KEY ("primary_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_merges_user_created_idx" ON "contact_merges" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "contact_merges_primary_idx" ON "contact_merges" USING btree ("primary_id");
