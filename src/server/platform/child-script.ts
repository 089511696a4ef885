import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Node's arguments to run the module `name` beside the caller's own file (`import.meta.url`) in a
 * child process: from source (npm run dev, tests) a `.ts` file with the TypeScript loader, built a
 * `.js` file as it is.
 */
export function siblingScriptArgs(callerUrl: string, name: string): string[] {
  const here = fileURLToPath(callerUrl);
  const script = path.join(path.dirname(here), `${name}${path.extname(here)}`);
  const loader = script.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) ? ['--import', 'tsx'] : [];
  return [...loader, script];
}
