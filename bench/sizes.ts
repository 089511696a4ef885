/** The data sizes the harness seeds; scenarios run against each. */
export type Size = {
  name: string;
  users: number;
  contactsPerUser: number;
  interactionsPerContact: number;
  seconds: number;
  concurrency: number[];
  /** Scenario names to run at this size (all when omitted). */
  scenarios?: string[];
};

export const SIZES: Record<string, Size> = {
  quick: { name: 'quick', users: 2, contactsPerUser: 600, interactionsPerContact: 4, seconds: 2, concurrency: [1, 50] },
  spec: { name: '600 contacts', users: 1, contactsPerUser: 600, interactionsPerContact: 10, seconds: 5, concurrency: [1, 50] },
  large: {
    name: '10k contacts / 200k interactions',
    users: 1,
    contactsPerUser: 10_000,
    interactionsPerContact: 20,
    seconds: 8,
    concurrency: [1, 50],
  },
  multi: {
    name: '100 users × 1,000 contacts',
    users: 100,
    contactsPerUser: 1_000,
    interactionsPerContact: 3,
    seconds: 8,
    concurrency: [1, 50],
    scenarios: ['contacts first page, many tenants', 'contacts first page', 'dashboard stats warm'],
  },
};
