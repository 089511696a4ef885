import { startFakeOpenAi } from './fake-openai.js';

/**
 * The fake OpenAI-compatible provider for trying every AI feature locally without a key or a bill:
 *   npm run dev:ai                # prints the settings to start the server with
 * Its answers are derived from the prompt (test/fakes/answers), after a short latency.
 */
const llm = await startFakeOpenAi();
llm.setCompletionLatency(300);
process.stdout.write(
  `Fake AI provider on ${llm.url}. Start the server with:\n\n  AI_BASE_URL=${llm.url} AI_API_KEY=dev-key npm run dev\n\n`,
);
