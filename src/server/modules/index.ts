import type { App } from '../app.js';
import { registerAuthRoutes } from './auth/auth.routes.js';
import { registerContactsRoutes } from './contacts/contacts.routes.js';
import { registerTagsRoutes } from './tags/tags.routes.js';
import { registerProjectsRoutes } from './projects/projects.routes.js';
import { registerTasksRoutes } from './tasks/tasks.routes.js';
import { registerPhotosRoutes } from './photos/photos.routes.js';
import { registerInteractionsRoutes } from './interactions/interactions.routes.js';
import { registerGoalsRoutes } from './goals/goals.routes.js';
import { registerReconnectRoutes } from './reconnect/reconnect.routes.js';
import { registerDashboardRoutes } from './dashboard/dashboard.routes.js';
import { registerTodayRoutes } from './today/today.routes.js';
import { registerCalendarRoutes } from './calendar/calendar.routes.js';
import { registerConsentRoutes } from './consent/consent.routes.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { registerDuplicatesRoutes } from './duplicates/duplicates.routes.js';
import { registerExportRoutes } from './export/export.routes.js';
import { registerImportsRoutes } from './imports/imports.routes.js';
import { registerGoogleRoutes } from './google/google.routes.js';
import { registerAiRoutes } from './ai/ai.routes.js';
import { registerSuggestionsRoutes } from './suggestions/suggestions.routes.js';
import { registerDelegationRoutes } from './suggestions/delegation.routes.js';
import { registerClassifyRoutes } from './ai/classify.routes.js';

/** Every domain's routes, in one list; a new module adds one line here. */
export async function registerModules(app: App, config: import('../config.js').Config) {
  registerAuthRoutes(app, config);
  registerContactsRoutes(app);
  registerTagsRoutes(app);
  registerProjectsRoutes(app);
  registerTasksRoutes(app);
  await registerPhotosRoutes(app);
  registerInteractionsRoutes(app);
  registerGoalsRoutes(app);
  registerReconnectRoutes(app);
  registerDashboardRoutes(app);
  registerTodayRoutes(app);
  registerCalendarRoutes(app, config);
  await registerConsentRoutes(app);
  registerAuditRoutes(app);
  registerDuplicatesRoutes(app);
  registerExportRoutes(app);
  await registerImportsRoutes(app);
  registerGoogleRoutes(app, config);
  registerAiRoutes(app);
  registerSuggestionsRoutes(app);
  registerDelegationRoutes(app);
  registerClassifyRoutes(app);
}
