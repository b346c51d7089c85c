import { startTestApi, type TestApi } from './support/index.js';

/** Where a person lands who opens the server's address, or the API's base URL that `npm start` prints. */
describe('the entry points', () => {
  let api: TestApi;
  let origin: string;

  beforeAll(async () => {
    api = await startTestApi();
    origin = new URL(api.url).origin;
  });

  afterAll(async () => {
    await api.close();
  });

  it('/ redirects to the API documentation', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${origin}/`, { method, redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/docs');
    }
  });

  it('/api/v1 answers, without a key, with links that answer', async () => {
    const index = await api.call('GET', '', { key: null });
    expect(index.status).toBe(200);
    expect(index.body).toEqual({
      name: 'Concord',
      version: '1',
      links: { docs: '/docs', openapi: '/docs-json', health: '/api/v1/health', metrics: '/metrics' },
      singleSignOn: false,
    });
    // The in-process API serves no documentation UI (see ApiOptions.docsUi); every other link must answer.
    for (const link of ['openapi', 'health', 'metrics'] as const) {
      const response = await fetch(`${origin}${index.body.links[link]}`);
      expect([link, response.status]).toEqual([link, 200]);
    }
  });

  it('the index is in the OpenAPI document; the redirect is not an API operation', async () => {
    const doc = (await (await fetch(`${origin}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1');
    expect(Object.keys(doc.paths)).not.toContain('/');
  });
});
