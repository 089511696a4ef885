import { sentimentAnswer } from './sentiment.js';
import { suggestionsAnswer } from './suggestions.js';
import { delegationAnswer } from './delegation.js';
import { classifyEventsAnswer } from './classify-events.js';
import { insightsAnswer } from './insights.js';
import type { FakeAnswer } from './types.js';

export { type Completion, type FakeAnswer, type Message, sampleOf } from './types.js';

/** The fake's answer per contract name (`response_format.json_schema.name`); one line per AI feature. */
export const FAKE_ANSWERS: Record<string, FakeAnswer> = {
  sentiment: sentimentAnswer,
  suggestions: suggestionsAnswer,
  delegation: delegationAnswer,
  'classify-events': classifyEventsAnswer,
  insights: insightsAnswer,
};
