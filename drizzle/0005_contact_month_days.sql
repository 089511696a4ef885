-- Month × 100 + day of a contact's birthday and important dates (well-formed ones), for an index
-- that finds the dates falling in the coming weeks without reading every contact.
CREATE FUNCTION "contact_month_days"(birthday date, important_dates jsonb) RETURNS smallint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT md), '{}'::smallint[]) FROM (
    SELECT (extract(month FROM birthday) * 100 + extract(day FROM birthday))::smallint AS md
    WHERE birthday IS NOT NULL
    UNION ALL
    SELECT (substr(e->>'date', 6, 2)::int * 100 + substr(e->>'date', 9, 2)::int)::smallint
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(important_dates) = 'array' THEN important_dates ELSE '[]'::jsonb END) e
    WHERE jsonb_typeof(e) = 'object' AND (e->>'date') ~ '^\d{4}-\d{2}-\d{2}$'
  ) x
$$;
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "month_days" smallint[] GENERATED ALWAYS AS (contact_month_days(birthday, important_dates)) STORED;--> statement-breakpoint
CREATE INDEX "contacts_month_days_idx" ON "contacts" USING gin ("month_days");