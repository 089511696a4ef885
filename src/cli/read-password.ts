import fs from 'node:fs';

export class PasswordInputError extends Error {}

/** Reads one line from a terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new PasswordInputError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd();
}

/**
 * The password never travels on the command line (where `ps` and shell history keep it): it comes
 * from an interactive prompt, the first line of standard input, a file, or a named variable.
 */
export async function readPassword(options: { password?: string; passwordFile?: string; passwordEnv?: string }): Promise<string> {
  if (options.password !== undefined) {
    throw new PasswordInputError(
      '--password is not accepted: a password on the command line shows in `ps` and in shell history. ' +
        'Type it at the prompt, pipe it on standard input, or use --password-file FILE or --password-env VARIABLE.',
    );
  }
  if (options.passwordFile !== undefined) {
    try {
      return (fs.readFileSync(options.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '').trimEnd();
    } catch (err) {
      throw new PasswordInputError(
        `Cannot read --password-file ${options.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`,
      );
    }
  }
  if (options.passwordEnv !== undefined) {
    const value = process.env[options.passwordEnv];
    if (value === undefined) throw new PasswordInputError(`--password-env: the variable ${options.passwordEnv} is not set.`);
    return value;
  }
  if (process.stdin.isTTY) {
    const first = await promptHidden('Password: ');
    const again = await promptHidden('Password again: ');
    if (first !== again) throw new PasswordInputError('The two passwords differ. Nothing was created.');
    return first;
  }
  const line = await readStdinLine();
  if (!line) throw new PasswordInputError('No password on standard input. Pipe it in, or use --password-file or --password-env.');
  return line;
}
