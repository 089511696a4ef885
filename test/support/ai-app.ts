import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai.js';
import { createTestApp, type TestApp } from './app.js';

/** A test app whose AI provider is a fake OpenAI-compatible server; `close` stops both. */
export async function startAiApp(env: Record<string, string> = {}): Promise<{ t: TestApp; llm: FakeOpenAi; close: () => Promise<void> }> {
  const llm = await startFakeOpenAi();
  const t = await createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key', ...env });
  return {
    t,
    llm,
    close: async () => {
      await t.close();
      await llm.close();
    },
  };
}
