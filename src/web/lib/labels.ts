/** What the web app shows for the API's closed vocabularies (src/shared/domain.ts), in picker order. */
import type { ConsentMethod, ConsentPurpose, InteractionType, LifecycleStage, TaskStatus } from '../../shared/domain';

export const STAGE_LABELS: Record<LifecycleStage, string> = {
  discovery: 'Discovery',
  curious: 'Curious',
  new_client: 'New client',
  core_client: 'Core client',
  ambassador: 'Ambassador',
  needs_reconnecting: 'Needs reconnecting',
  inactive: 'Inactive',
  collaborator: 'Collaborator',
};

/** Interaction types in the order the timeline's pickers offer them. */
export const INTERACTION_LABELS: Record<InteractionType, string> = {
  note: 'Note',
  call: 'Call',
  meeting: 'Session',
  email: 'Email',
  class_attendance: 'Class',
};
export const INTERACTION_PICKER_TYPES = Object.keys(INTERACTION_LABELS) as InteractionType[];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'To do',
  in_progress: 'In progress',
  waiting_approval: 'Waiting approval',
  completed: 'Done',
  cancelled: 'Cancelled',
};

/** Consent purposes, in the order the consent panel lists them. */
export const CONSENT_PURPOSE_LABELS: Record<ConsentPurpose, string> = {
  email_ingestion: 'Importing their emails',
  calendar_ingestion: 'Importing calendar events with them',
  document_ingestion: 'Importing their documents',
  ai_processing: 'AI processing of their data',
  photo_enrichment: 'Storing their photo',
};
export const CONSENT_METHOD_LABELS: Record<ConsentMethod, string> = {
  form: 'Signed form',
  email: 'By email',
  verbal: 'Verbally',
  other: 'Other',
};
