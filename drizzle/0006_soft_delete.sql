ALTER TABLE "contact_photos" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "contact_photos_deleted_idx" ON "contact_photos" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "goals_deleted_idx" ON "goals" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "interactions_deleted_idx" ON "interactions" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "tasks_deleted_idx" ON "tasks" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
-- The per-day counts ignore soft-deleted interactions: soft delete (deleted_at set) counts as a
-- delete, restore (deleted_at cleared) as an insert, and purging a soft-deleted row changes nothing.
CREATE OR REPLACE FUNCTION "interaction_day_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM users WHERE id IN (SELECT DISTINCT user_id FROM new_rows) FOR SHARE;
    INSERT INTO interaction_day_counts AS d (user_id, day, type, n)
    SELECT x.user_id, (x.occurred_at AT TIME ZONE u.timezone)::date, x.type, count(*)::int
    FROM new_rows x JOIN users u ON u.id = x.user_id
    WHERE x.deleted_at IS NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (user_id, day, type) DO UPDATE SET n = d.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM users WHERE id IN (SELECT DISTINCT user_id FROM old_rows) FOR SHARE;
    UPDATE interaction_day_counts d SET n = d.n - x.n
    FROM (
      SELECT o.user_id, (o.occurred_at AT TIME ZONE u.timezone)::date AS day, o.type, count(*)::int AS n
      FROM old_rows o JOIN users u ON u.id = o.user_id
      WHERE o.deleted_at IS NULL
      GROUP BY 1, 2, 3
    ) x
    WHERE d.user_id = x.user_id AND d.day = x.day AND d.type = x.type;
  ELSE
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows) FOR SHARE;
    INSERT INTO interaction_day_counts AS d (user_id, day, type, n)
    SELECT x.user_id, (x.occurred_at AT TIME ZONE u.timezone)::date, x.type, sum(x.sign)::int
    FROM (
      SELECT user_id, occurred_at, type, 1 AS sign FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT user_id, occurred_at, type, -1 FROM old_rows WHERE deleted_at IS NULL
    ) x JOIN users u ON u.id = x.user_id
    GROUP BY 1, 2, 3
    HAVING sum(x.sign) <> 0
    ON CONFLICT (user_id, day, type) DO UPDATE SET n = d.n + excluded.n;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM interaction_day_counts d
    WHERE d.n <= 0 AND d.user_id IN (SELECT DISTINCT user_id FROM old_rows)
      AND d.day IN (SELECT (o.occurred_at AT TIME ZONE u.timezone)::date FROM old_rows o JOIN users u ON u.id = o.user_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "interaction_day_counts_rebuild"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interaction_day_counts WHERE user_id = NEW.id;
  INSERT INTO interaction_day_counts (user_id, day, type, n)
  SELECT i.user_id, (i.occurred_at AT TIME ZONE NEW.timezone)::date, i.type, count(*)::int
  FROM interactions i WHERE i.user_id = NEW.id AND i.deleted_at IS NULL
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;
