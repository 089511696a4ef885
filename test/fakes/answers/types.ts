export type Message = { role: string; content: string };
/** One chat completion as the fake received it. */
export type Completion = { model: string; messages: Message[]; schemaName?: string; schema?: Record<string, unknown> };
/** Builds the fake's answer (a value fitting the contract) from what the prompt asked. */
export type FakeAnswer = (c: Completion) => unknown;

/** The JSON object that follows `marker` in the last user message holding it (a retry appends after it). */
export function jsonAfter<T>(c: Completion, marker: string): T | undefined {
  const user = c.messages.findLast((m) => m.role === 'user' && m.content.includes(marker))?.content;
  if (!user) return undefined;
  return JSON.parse(user.slice(user.indexOf(marker))) as T;
}

/** A minimal value that fits a JSON schema (first enum value, minimum numbers, empty arrays). */
export function sampleOf(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleOf(v)]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'string':
      return 'fake';
    default:
      return null;
  }
}
