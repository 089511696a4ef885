import type { InteractionType } from '../../shared/domain';

export type NoteTemplate = { id: string; label: string; types: readonly InteractionType[]; text: string };

/** Structures a practitioner fills in after a session; picking one never replaces text already typed. */
export const NOTE_TEMPLATES: readonly NoteTemplate[] = [
  {
    id: 'session',
    label: 'Session notes',
    types: ['meeting', 'call'],
    text: 'Intention:\nWhat we worked on:\nWhat shifted:\nPractice until next time:\nNext session:',
  },
  {
    id: 'intake',
    label: 'Intake / discovery call',
    types: ['call', 'meeting'],
    text: 'What brings them:\nWhat they hope for:\nHealth notes and limits:\nAvailability:\nNext step:',
  },
  {
    id: 'class',
    label: 'Class',
    types: ['class_attendance'],
    text: 'Focus of the class:\nHow it went:\nModifications offered:\nTo follow up:',
  },
  {
    id: 'follow-up',
    label: 'Follow-up email',
    types: ['email'],
    text: 'Thank you for today.\nWhat we covered:\nYour practice this week:\nWhen we meet next:',
  },
  {
    id: 'observation',
    label: 'Private observation',
    types: ['note'],
    text: 'What I noticed:\nTo keep in mind next time:',
  },
];

export const templatesFor = (type: InteractionType) => NOTE_TEMPLATES.filter((t) => t.types.includes(type));

/** The details with the template added: alone when empty, after a blank line otherwise. */
export const withTemplate = (content: string, template: NoteTemplate) =>
  content.trim() ? `${content.replace(/\s+$/, '')}\n\n${template.text}` : template.text;
