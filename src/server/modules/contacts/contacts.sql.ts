import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts as c, contactTags, tags } from '../../db/schema/index.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import { consentGrantedSql } from '../consent/consent.sql.js';

const t = alias(tags, 't');
const ct = alias(contactTags, 'ct');

/**
 * A contact in a list, built by PostgreSQL so that a page is never parsed and re-serialised. Long
 * free text (notes, custom fields, handles, dates) stays out of lists: a page of 50 must stay small
 * whatever practitioners write. The detail (contactJson) has everything. Both are rendered once
 * (rendered-sql.ts): every page and detail embeds them.
 */
export const contactSummaryJson = renderedFragment(sql`json_build_object(
  'version', ${c.version},
  'id', ${c.id},
  'name', ${c.name},
  'emails', to_json(${c.emails}),
  'phones', to_json(${c.phones}),
  'lifecycleStage', ${c.lifecycleStage},
  'status', ${c.status},
  'sentiment', ${c.sentiment},
  'sentimentTrend', ${c.sentimentTrend},
  'engagementTrend', ${c.engagementTrend},
  'referralCount', ${c.referralCount},
  'birthday', ${c.birthday},
  'keepInTouchDays', ${c.keepInTouchDays},
  'lastContactAt', ${isoSql(c.lastContactAt)},
  'hasAiConsent', ${consentGrantedSql(c.id, 'ai_processing')},
  'hasPhotoConsent', ${consentGrantedSql(c.id, 'photo_enrichment')},
  'photoUrl', ${photoUrlSql(c.photoId)},
  'tags', coalesce((
    select json_agg(json_build_object('id', ${t.id}, 'name', ${t.name}, 'color', ${t.color}) order by lower(${t.name}), ${t.id})
    from ${contactTags} ct join ${tags} t on ${t.id} = ${ct.tagId}
    where ${ct.contactId} = ${c.id}
  ), '[]'::json),
  'createdAt', ${isoSql(c.createdAt)},
  'updatedAt', ${isoSql(c.updatedAt)}
)`);

/** The whole contact, for the detail view and write answers. */
export const contactJson = renderedFragment(sql`(${contactSummaryJson}::jsonb || jsonb_build_object(
  'notes', ${c.notes},
  'emailLabels', ${c.emailLabels},
  'phoneLabels', ${c.phoneLabels},
  'customFields', ${c.customFields},
  'socialHandles', ${c.socialHandles},
  'importantDates', ${c.importantDates}
))`);

/** Sort expressions match the expression indexes in the contacts schema exactly. */
export const SORT_SQL: Record<string, { expr: SQL; cast: SQL }> = {
  name: { expr: sql`lower(${c.name})`, cast: sql`text` },
  lastContact: { expr: sql`coalesce(${c.lastContactAt}, '-infinity'::timestamptz)`, cast: sql`timestamptz` },
  created: { expr: sql`${c.createdAt}`, cast: sql`timestamptz` },
  sentiment: { expr: sql`coalesce(${c.sentiment}, 0)`, cast: sql`integer` },
};
