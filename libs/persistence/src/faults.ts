import { DomainError } from '#domain';
import { isConnectionLost } from './database.js';

/** What PostgreSQL says of an error besides its message: names and codes, never a value. */
const PG_FIELDS = ['routine', 'schema', 'table', 'column', 'dataType', 'constraint'] as const;
const MAX_FRAMES = 15;
const MAX_CAUSES = 3;

/**
 * A line for the log that identifies a fault without repeating any input: the error's class, its code
 * (PostgreSQL's SQLSTATE or Node's errno code), PostgreSQL's routine, table, column, type and constraint names,
 * and the stack frames. Never the message: PostgreSQL's messages and `detail` quote the offending value (`date/time
 * field value out of range: "…"`, `Failing row contains (…)`), other messages quote what their code was given,
 * and either may be a party's name or phone. Concord's own refusals (DomainError) are worded by Concord and
 * keep theirs; so do the fixed messages of a lost connection. `frames` bounds the frames shown (15 by default).
 */
export function describeFault(error: unknown, options: { frames?: number } = {}, depth = 0): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? 'null' : typeof error}`;
  const parts = [error.constructor?.name && error.constructor.name !== 'Object' ? error.constructor.name : error.name];
  const fields = error as unknown as Record<string, unknown>;
  if (typeof fields.code === 'string' || typeof fields.code === 'number') parts.push(`code ${fields.code}`);
  for (const name of PG_FIELDS)
    if (typeof fields[name] === 'string' && fields[name]) parts.push(`${name} ${fields[name]}`);
  if (error instanceof DomainError || isConnectionLost(error)) parts.push(`"${error.message}"`);
  let line = [parts.join(' '), ...framesOf(error).slice(0, options.frames ?? MAX_FRAMES)].join('\n');
  if (error.cause !== undefined && depth < MAX_CAUSES)
    line += `\ncaused by ${describeFault(error.cause, options, depth + 1)}`;
  return line;
}

/** The stack's frames, after its first line(s): `Name: message`, where a message may span lines that look like frames. */
function framesOf(error: Error): string[] {
  let stack = error.stack ?? '';
  const at = error.message ? stack.indexOf(error.message) : -1;
  if (at >= 0) stack = stack.slice(at + error.message.length);
  return stack
    .split('\n')
    .filter((line) => /^\s+at \S/.test(line))
    .slice(0, MAX_FRAMES);
}
