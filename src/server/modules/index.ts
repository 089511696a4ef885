import type { App } from '../app.js';
import { registerAuthRoutes } from './auth/auth.routes.js';
import { registerContactsRoutes } from './contacts/contacts.routes.js';
import { registerTagsRoutes } from './tags/tags.routes.js';

/** Every domain's routes, in one list; a new module adds one line here. */
export async function registerModules(app: App, config: import('../config.js').Config) {
  registerAuthRoutes(app, config);
  registerContactsRoutes(app);
  registerTagsRoutes(app);
}
