/**
 * The product's closed vocabularies, shared by the server (database enums, validation) and the web
 * app (labels, pickers), so the two can never drift apart. Plain data: no imports.
 */
export const LIFECYCLE_STAGES = [
  'discovery',
  'curious',
  'new_client',
  'core_client',
  'ambassador',
  'needs_reconnecting',
  'inactive',
  'collaborator',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const CONTACT_STATUSES = ['active', 'paused', 'archived'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** How a contact's recent sentiment scores move (the latest 3 against the 7 before them). */
export const SENTIMENT_TRENDS = ['improving', 'steady', 'declining'] as const;
export const ENGAGEMENT_TRENDS = ['rising', 'steady', 'declining', 'unknown'] as const;
export type EngagementTrend = (typeof ENGAGEMENT_TRENDS)[number];

export const INTERACTION_TYPES = ['email', 'meeting', 'call', 'note', 'class_attendance'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
/** The interaction types that are contact with the client (a private note is not): they set "last contact". */
export const CONTACT_INTERACTION_TYPES = ['email', 'meeting', 'call', 'class_attendance'] as const;
export const INTERACTION_SOURCES = ['manual', 'calendar', 'gmail', 'import'] as const;
export const GOAL_STATUSES = ['active', 'completed', 'paused'] as const;

export const TASK_STATUSES = ['pending', 'in_progress', 'waiting_approval', 'completed', 'cancelled'] as const;
/** A task still to do: overdue and due-today counts, open counts and the default task list use these. */
export const OPEN_TASK_STATUSES = [
  'pending',
  'in_progress',
  'waiting_approval',
] as const satisfies readonly (typeof TASK_STATUSES)[number][];
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_OWNERS = ['user', 'assistant'] as const;

/** How the reconnect list groups people: overdue against their cadence, never contacted, or inactive clients. */
export const RECONNECT_GROUPS = ['due', 'never', 'inactive'] as const;
export type ReconnectGroup = (typeof RECONNECT_GROUPS)[number];

/** Keep-in-touch cadence in days per stage, until the practitioner sets their own in Settings. */
export const DEFAULT_KEEP_IN_TOUCH_DAYS: Readonly<Record<LifecycleStage, number>> = {
  discovery: 14,
  curious: 21,
  new_client: 7,
  core_client: 14,
  ambassador: 30,
  needs_reconnecting: 7,
  inactive: 180,
  collaborator: 30,
};

/** What a contact's consent is asked for (the consent ledger, issue 11); sync, AI and photos check them. */
export const CONSENT_PURPOSES = [
  'email_ingestion',
  'calendar_ingestion',
  'document_ingestion',
  'ai_processing',
  'photo_enrichment',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
/** How a consent decision was given. */
export const CONSENT_METHODS = ['form', 'email', 'verbal', 'other'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/**
 * What the audit log records (issue 11). An entry holds ids and the names needed to read it, never
 * client content; it is written in the same transaction as the action it records.
 */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.sign_out_everywhere',
  'auth.session_revoked',
  'auth.password_changed',
  'auth.google_signin',
  'auth.google_linked',
  'account.deleted',
  'export.account',
  'export.contact',
  'export.contacts',
  'contact.erased',
  'consent.changed',
  'contacts.merged',
  'merge.undone',
  'duplicates.dismissed',
  'import.started',
  'import.finished',
  'google.connected',
  'google.disconnected',
  'ai.budget_changed',
  'calendar_feed.rotated',
  'calendar_feed.revoked',
  'calendar_subscription.added',
  'calendar_subscription.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
