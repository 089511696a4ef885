// Vocabulary for seeded practices. Names deliberately mix scripts and accents (the search folds
// them) and a few carry emoji, as real address books do.

export const FIRST_NAMES = [
  'Zoë',
  'Åsa',
  'José',
  'Małgorzata',
  'Chloé',
  'Björn',
  'Søren',
  'Anaïs',
  'Renée',
  'François',
  'Inés',
  'Joaquín',
  'Ağnes',
  'Łukasz',
  'Dorothée',
  'Mía',
  'Sinéad',
  'Siobhán',
  'Zoltán',
  'Élodie',
  'Maya',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Aiden',
  'Priya',
  'Arjun',
  'Hana',
  'Kenji',
  'Amara',
  'Kwame',
  'Fatima',
  'Omar',
  'Leila',
  'Yusuf',
  'Ingrid',
  'Lars',
  'Freya',
  'Mateo',
  'Lucía',
  'Camila',
  'Thảo',
  'Minh',
  'Linh',
  'Jürgen',
  'Käthe',
  'Ottó',
  'Noémi',
  'Astrid',
  'Grace',
  'Isla',
  'Ethan',
  'Sofia',
  'Luca',
  'Aroha',
  'Tāne',
  'Rūta',
  'Dagný',
  'Nikolaj',
] as const;

export const LAST_NAMES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Ångström',
  'Öberg',
  'Müller',
  'Schröder',
  'García',
  'Muñoz',
  'Peña',
  'Kowalczyk',
  'Wiśniewska',
  'Dąbrowski',
  "O'Brien",
  'Ó Súilleabháin',
  'Fernández',
  'Lefèvre',
  'Dubois',
  'Çelik',
  'Yılmaz',
  'Smith',
  'Johnson',
  'Patel',
  'Shah',
  'Okafor',
  'Mensah',
  'Haddad',
  'Khan',
  'Tanaka',
  'Sato',
  'Kim',
  'Park',
  'Lindqvist',
  'Johansson',
  'Hansen',
  'Jensen',
  'Rossi',
  'Bianchi',
  'Silva',
  'Sousa',
  'van der Berg',
  'de Vries',
  'MacLeod',
  'Brennan',
  'Novák',
  'Dvořák',
  'Horváth',
  'Kovács',
  'Ngata',
  'Te Rangi',
] as const;

/** Appended to a few names, the way people label contacts on their phones. */
export const NAME_EMOJI = ['🌿', '🧘', '🌸', '✨', '🌊', '☀️'] as const;

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'studio.example'] as const;

export const PHONE_PREFIXES = ['+1 555 01', '+44 7700 900', '+46 70 123 ', '+61 491 570 ', '+34 600 00', '+48 500 10'] as const;

export const TAG_NAMES = [
  'Yoga 🧘',
  'Meditation',
  'Breathwork',
  'Reiki',
  'Nutrition',
  'Herbalism 🌿',
  'Sound bath',
  'Retreat 2025',
  'Retreat 2026',
  'VIP',
  'Referral partner',
  'Corporate',
  'Online',
  'In person',
  'Prenatal',
  'Workshop',
  'Newsletter',
  'Trauma-informed',
  'Pilates',
  'Massage',
  'Life coaching',
  'Sleep',
  'Grief support',
  'Teens',
] as const;

export const TAG_COLORS = ['#0d9488', '#7c3aed', '#db2777', '#ea580c', '#16a34a', '#2563eb', '#ca8a04', '#475569'] as const;

export const PRACTICES = [
  'Yoga & Breathwork',
  'Mindfulness Coaching',
  'Holistic Nutrition',
  'Somatic Therapy',
  'Massage & Bodywork',
  'Meditation Teacher',
  'Life & Career Coaching',
  'Prenatal Yoga',
] as const;

export const TIMEZONES = [
  'Europe/Stockholm',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Madrid',
  'Australia/Sydney',
] as const;

export const NOTE_SNIPPETS = [
  'Prefers morning sessions before work.',
  'Recovering from a knee injury; avoid deep lunges.',
  'Came through a friend’s referral after the spring retreat.',
  'Working on sleep hygiene and evening wind-down routine.',
  'Loves the sound bath evenings 🌙; asked about private sessions.',
  'Vegetarian, mild lactose intolerance.',
  'Going through a career change, wants accountability check-ins.',
  'Anxious before presentations; box breathing helps.',
  'Pregnant (second trimester) — prenatal modifications.',
  'Interested in the teacher training next year.',
  'Runs a small café; might host a community class ☕.',
  'Asked for invoices to be sent to her company.',
  'Kids’ schedule changes every term, book two weeks ahead.',
  'Responds best to voice notes rather than long emails.',
  'Calls Sunday’s class her "reset button".',
] as const;

export const CUSTOM_FIELDS: readonly (readonly [string, readonly (string | number | boolean)[]])[] = [
  ['Preferred session', ['Morning', 'Lunchtime', 'Evening', 'Weekend']],
  ['Referral source', ['Instagram', 'Friend', 'Google', 'Retreat', 'Newsletter', 'Café flyer']],
  ['Sessions purchased', [1, 5, 10, 20]],
  ['Dietary notes', ['Vegan 🌱', 'Gluten-free', 'None', 'Pescatarian']],
  ['Has injury', [true, false]],
  ['Pronouns', ['she/her', 'he/him', 'they/them']],
  ['Membership', ['Drop-in', 'Monthly', 'Annual', 'Class pack']],
];

export const SOCIAL_NETWORKS = ['instagram', 'linkedin', 'facebook', 'tiktok'] as const;

export const INTERACTION_SUBJECTS: Record<string, readonly string[]> = {
  email: [
    'Re: next session',
    'Booking confirmation',
    'Your practice notes',
    'Question about the retreat',
    'Invoice for March',
    'Checking in 🌿',
  ],
  meeting: ['1:1 coaching session', 'Private yoga', 'Intake consultation', 'Follow-up session', 'Bodywork 60 min'],
  call: ['Discovery call', 'Quick check-in call', 'Rescheduling call', 'Call about the workshop'],
  note: ['Session notes', 'Progress note', 'Reflection after class', 'Plan for next month'],
  class_attendance: ['Vinyasa flow', 'Yin & meditation', 'Breathwork circle', 'Sound bath', 'Prenatal class', 'Sunrise yoga'],
};

export const INTERACTION_CONTENT = [
  'Felt much calmer this week and slept better.',
  'Discussed goals for the next quarter and a home practice plan.',
  'Shoulder tension is easing; continue the mobility sequence.',
  'Stressful month at work — we focused on grounding techniques.',
  'Really enjoyed the group energy today ✨.',
  'Asked about a gift card for her sister.',
  'Missed last week, wants to get back into a routine.',
  'Shared a breakthrough about setting boundaries.',
] as const;

export const GOAL_TEMPLATES: readonly (readonly [string, number, string])[] = [
  ['Meditate daily', 30, 'days'],
  ['Attend classes', 12, 'classes'],
  ['Sleep 7+ hours', 21, 'nights'],
  ['Reduce caffeine', 4, 'weeks'],
  ['Hold a 2-minute plank', 120, 'seconds'],
  ['Journal weekly', 10, 'entries'],
  ['Run a 5 km without stopping', 5, 'km'],
];

export const PROJECT_NAMES = [
  'Spring retreat 🌸',
  'Monthly newsletter',
  'Workshop series',
  'Website refresh',
  'Corporate wellness pilot',
  'Teacher training',
  'Community class',
  'Bookkeeping',
] as const;

export const TASK_TITLES = [
  'Send follow-up notes',
  'Book the venue',
  'Draft the newsletter',
  'Confirm catering',
  'Update class schedule',
  'Prepare intake form',
  'Invoice outstanding sessions',
  'Record a guided meditation',
  'Plan the playlist',
  'Order new bolsters',
  'Call back about the retreat',
  'Write a welcome email',
  'Review testimonials',
] as const;

export const SUBTASK_TITLES = ['Draft', 'Review', 'Send', 'Follow up', 'Collect feedback', 'Update the calendar'] as const;

export const EVENT_LOCATIONS = ['Studio A', 'Zoom', 'Park pavilion', 'Client’s home', 'Studio B', 'Google Meet'] as const;
