export * from './users.js';
export * from './contacts.js';
export * from './photos.js';
export * from './interactions.js';
export * from './tasks.js';
export * from './sync.js';
export * from './ai.js';
export * from './imports.js';
