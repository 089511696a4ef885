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

// Drizzle applies a migration only when its journal `when` is later than the last one a database
// applied, and drizzle-kit diffs against the snapshot whose file name sorts last: after a merge both
// orders must agree with the journal's (CONTRIBUTING.md, "Change the database").
const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')).entries;
journal.forEach((entry, i) => {
  const before = journal[i - 1];
  if (!before) return;
  if (entry.when <= before.when)
    problems.push(`drizzle journal: ${entry.tag} has a "when" not after ${before.tag}'s (it would never be applied)`);
  if (entry.tag.localeCompare(before.tag) <= 0)
    problems.push(`drizzle journal: ${entry.tag} sorts before ${before.tag} (rename it so file order is journal order)`);
});
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('lint: ok');
