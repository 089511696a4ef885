// Project rules the type checker cannot see (ARCHITECTURE.md, "Where things are" and the module checklist).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const problems = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (/\.tsx?$/.test(name)) check(file);
  }
}
function check(file) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  const isServer = file.startsWith(path.join('src', 'server'));
  const isDrizzleAllowed = /\.repo\.ts$|\.sql\.ts$|[/\\]db[/\\]|[/\\]platform[/\\]db\.ts$|\.test\.ts$/.test(file);
  if (isServer && !isDrizzleAllowed && /from 'drizzle-orm/.test(text)) problems.push(`${file}: drizzle is imported outside a repo file`);
  if (lines > 400) problems.push(`${file}: ${lines} lines (split it: files over 400 lines are a design smell)`);
  if (/\b(it|test|describe)\.only\(/.test(text)) problems.push(`${file}: focused test (.only)`);
}
walk('src');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('lint: ok');
