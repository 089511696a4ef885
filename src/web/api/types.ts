/** The API's shapes as the web app uses them (see the zod schemas in src/server/modules). */
import {
  LIFECYCLE_STAGES,
  CONTACT_STATUSES,
  GOAL_STATUSES,
  TASK_STATUSES,
  TASK_PRIORITIES,
  type LifecycleStage,
  type ContactStatus,
} from '../../shared/domain';

export { LIFECYCLE_STAGES, CONTACT_STATUSES, GOAL_STATUSES, TASK_STATUSES, TASK_PRIORITIES };
export type { LifecycleStage, ContactStatus };
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
export type Theme = 'light' | 'dark' | 'system';

export type Page<T> = { items: T[]; nextCursor: string | null };

export type User = {
  id: string;
  email: string;
  displayName: string;
  timezone: string;
  settings: { keepInTouchDays: Partial<Record<LifecycleStage, number>>; theme: Theme };
  hasPassword: boolean;
  hasGoogle: boolean;
  createdAt: string;
};
export type Me = { user: User; csrfToken: string };
export type Session = {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  isCurrent: boolean;
};

export type TagRef = { id: string; name: string; color: string };
export type Tag = TagRef & { contactCount: number; createdAt: string };

export type Contact = {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  lifecycleStage: LifecycleStage;
  status: ContactStatus;
  sentiment: number | null;
  engagementTrend: 'rising' | 'steady' | 'declining' | 'unknown';
  referralCount: number;
  birthday: string | null;
  keepInTouchDays: number | null;
  lastContactAt: string | null;
  hasAiConsent: boolean;
  hasPhotoConsent: boolean;
  photoUrl: string | null;
  tags: TagRef[];
  createdAt: string;
  updatedAt: string;
};
/** Lists carry this summary; the long free-text fields come with the detail only. */
export type ContactLongFields = {
  notes: string;
  customFields: Record<string, unknown>;
  socialHandles: Record<string, string>;
  importantDates: { label: string; date: string }[];
};
export type ContactDetail = Contact & ContactLongFields & { counts: { interactions: number; goals: number; openTasks: number } };
export type ContactInput = Partial<Omit<Contact, 'id' | 'tags' | 'photoUrl' | 'createdAt' | 'updatedAt'> & ContactLongFields> & {
  tagIds?: string[];
};
export type DeletePreview = {
  contact: { id: string; name: string };
  willDelete: Record<string, number>;
  willUnlink: Record<string, number>;
};

export const INTERACTION_TYPES = ['note', 'call', 'meeting', 'email', 'class_attendance'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const INTERACTION_LABELS: Record<InteractionType, string> = {
  note: 'Note',
  call: 'Call',
  meeting: 'Session',
  email: 'Email',
  class_attendance: 'Class',
};
export type Interaction = {
  id: string;
  contactId: string;
  type: InteractionType;
  subject: string;
  content: string;
  occurredAt: string;
  source: string;
  sentiment: number | null;
  contact?: { id: string; name: string; photoUrl: string | null };
};

export type Goal = {
  id: string;
  contactId: string;
  title: string;
  description: string;
  targetValue: number | null;
  currentValue: number;
  unit: string;
  status: (typeof GOAL_STATUSES)[number];
  deadline: string | null;
  completedAt: string | null;
  progress: number | null;
};

export type Photo = { id: string; url: string; isActive: boolean; createdAt?: string };

export type Project = {
  id: string;
  name: string;
  color: string;
  isArchived: boolean;
  taskCounts: { total: number; open: number; completed: number };
};
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'To do',
  in_progress: 'In progress',
  waiting_approval: 'Waiting approval',
  completed: 'Done',
  cancelled: 'Cancelled',
};
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type Task = {
  id: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  owner: string;
  dueAt: string | null;
  projectId: string | null;
  project: { id: string; name: string; color: string } | null;
  parentTaskId: string | null;
  subtaskCounts?: { total: number; completed: number };
  contacts?: { id: string; name: string; photoUrl?: string | null }[];
  completedAt: string | null;
  position?: number | string;
};
export type TaskDetail = Task & { subtasks?: Task[] };
export type TaskActivity = {
  id: string;
  action: string;
  actor: 'user' | 'assistant';
  changes: Record<string, { from: unknown; to: unknown }>;
  createdAt: string;
};

export type ReconnectItem = {
  contact: { id: string; name: string; photoUrl: string | null; lifecycleStage: LifecycleStage; lastContactAt: string | null };
  cadenceDays: number;
  daysSinceContact: number | null;
  overdueDays: number;
};
export type DashboardStats = {
  clientsByStage: Partial<Record<LifecycleStage, number>>;
  totalContacts: number;
  sessionsThisWeek: number;
  sessionsLastWeek: number;
  sessionsLastWeekToDate: number;
  interactionsLastWeekToDate: number;
  goalsAchievedThisMonth: number;
  responseRate: { value: number | null; reason: string | null };
  interactionsPerWeek: { weekStart: string; count: number }[];
  followUpsDue: number;
  overdueTasks: number;
  upcomingDates: { contactId: string; name: string; label: string; date: string; daysAway: number }[];
  generatedAt: string;
};
