CREATE TABLE "interaction_day_counts" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"type" "interaction_type" NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "interaction_day_counts_user_id_day_type_pk" PRIMARY KEY("user_id","day","type")
);
--> statement-breakpoint
ALTER TABLE "interaction_day_counts" ADD CONSTRAINT "interaction_day_counts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Keeps interaction_day_counts equal to the interactions it counts, in the writer's transaction:
-- one aggregated statement per insert, update or delete statement (batch imports and cascades
-- included). The user's row is share-locked first, so a concurrent time-zone change (which
-- rebuilds the counts) either sees these rows or makes this statement wait for the new zone.
CREATE FUNCTION "interaction_day_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM users WHERE id IN (SELECT DISTINCT user_id FROM new_rows) FOR SHARE;
    INSERT INTO interaction_day_counts AS d (user_id, day, type, n)
    SELECT x.user_id, (x.occurred_at AT TIME ZONE u.timezone)::date, x.type, count(*)::int
    FROM new_rows x JOIN users u ON u.id = x.user_id
    GROUP BY 1, 2, 3
    ON CONFLICT (user_id, day, type) DO UPDATE SET n = d.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM users WHERE id IN (SELECT DISTINCT user_id FROM old_rows) FOR SHARE;
    UPDATE interaction_day_counts d SET n = d.n - x.n
    FROM (
      SELECT o.user_id, (o.occurred_at AT TIME ZONE u.timezone)::date AS day, o.type, count(*)::int AS n
      FROM old_rows o JOIN users u ON u.id = o.user_id
      GROUP BY 1, 2, 3
    ) x
    WHERE d.user_id = x.user_id AND d.day = x.day AND d.type = x.type;
  ELSE
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows) FOR SHARE;
    INSERT INTO interaction_day_counts AS d (user_id, day, type, n)
    SELECT x.user_id, (x.occurred_at AT TIME ZONE u.timezone)::date, x.type, sum(x.sign)::int
    FROM (
      SELECT user_id, occurred_at, type, 1 AS sign FROM new_rows
      UNION ALL
      SELECT user_id, occurred_at, type, -1 FROM old_rows
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
CREATE TRIGGER "interactions_day_counts_insert" AFTER INSERT ON "interactions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "interaction_day_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "interactions_day_counts_update" AFTER UPDATE ON "interactions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "interaction_day_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "interactions_day_counts_delete" AFTER DELETE ON "interactions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "interaction_day_counts_apply"();
--> statement-breakpoint
-- A new time zone moves every interaction to its new local day.
CREATE FUNCTION "interaction_day_counts_rebuild"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interaction_day_counts WHERE user_id = NEW.id;
  INSERT INTO interaction_day_counts (user_id, day, type, n)
  SELECT i.user_id, (i.occurred_at AT TIME ZONE NEW.timezone)::date, i.type, count(*)::int
  FROM interactions i WHERE i.user_id = NEW.id
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_timezone_day_counts" AFTER UPDATE OF "timezone" ON "users"
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION "interaction_day_counts_rebuild"();
--> statement-breakpoint
INSERT INTO "interaction_day_counts" ("user_id", "day", "type", "n")
SELECT i.user_id, (i.occurred_at AT TIME ZONE u.timezone)::date, i.type, count(*)::int
FROM "interactions" i JOIN "users" u ON u.id = i.user_id
GROUP BY 1, 2, 3;
