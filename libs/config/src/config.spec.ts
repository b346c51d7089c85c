import { ConfigError, loadConfig } from './config.js';

const BASE = {
  DATABASE_URL: 'postgres://localhost/concord',
  REDIS_URL: 'redis://localhost:6379',
  CONCORD_DATA_KEY: 'a-data-key-of-32-characters-000',
};

describe('webhook egress settings', () => {
  it('reaches no private network unless CONCORD_WEBHOOK_ALLOW_PRIVATE lists it', () => {
    expect(loadConfig(BASE).webhookAllowPrivate).toEqual([]);
    expect(
      loadConfig({ ...BASE, CONCORD_WEBHOOK_ALLOW_PRIVATE: ' 10.20.0.0/16, 192.168.1.20 ,fd12:3456::/32,::1 ' })
        .webhookAllowPrivate,
    ).toEqual(['10.20.0.0/16', '192.168.1.20', 'fd12:3456::/32', '::1']);
  });

  it.each(['hooks.internal', 'localhost', '10.20.0.0/33', '10.20', '0x7f.1', '10.0.0.0/8,receiver.gov'])(
    'refuses "%s" at start-up',
    (raw) => {
      expect(() => loadConfig({ ...BASE, CONCORD_WEBHOOK_ALLOW_PRIVATE: raw })).toThrow(ConfigError);
    },
  );

  it('requires https webhooks in production only', () => {
    expect(loadConfig({ ...BASE, NODE_ENV: 'production' }).webhookRequireHttps).toBe(true);
    expect(loadConfig({ ...BASE, NODE_ENV: 'development' }).webhookRequireHttps).toBe(false);
    expect(loadConfig(BASE).webhookRequireHttps).toBe(false);
  });
});

describe('telemetry settings', () => {
  it('serves worker metrics on 9464 unless told another port, and 0 turns them off', () => {
    expect(loadConfig(BASE).workerMetricsPort).toBe(9464);
    expect(loadConfig({ ...BASE, CONCORD_WORKER_METRICS_PORT: '9500' }).workerMetricsPort).toBe(9500);
    expect(loadConfig({ ...BASE, CONCORD_WORKER_METRICS_PORT: '0' }).workerMetricsPort).toBeNull();
    for (const raw of ['-1', '65536', 'http', '1.5'])
      expect(() => loadConfig({ ...BASE, CONCORD_WORKER_METRICS_PORT: raw })).toThrow(ConfigError);
  });

  it('logs at info unless CONCORD_LOG_LEVEL names a level', () => {
    expect(loadConfig(BASE).logLevel).toBe('info');
    expect(loadConfig({ ...BASE, CONCORD_LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    expect(() => loadConfig({ ...BASE, CONCORD_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});

describe('machine versions of new cases', () => {
  it('holds the kinds CONCORD_NEW_CASES_START_ON names, and no kind when it is unset', () => {
    expect(loadConfig(BASE).newCasesStartOn).toEqual({});
    expect(loadConfig({ ...BASE, CONCORD_NEW_CASES_START_ON: ' petition=1, dispute=2 ' }).newCasesStartOn).toEqual({
      petition: 1,
      dispute: 2,
    });
  });

  it.each(['petition', 'petition=0', 'petition=v2', 'Petition=1', 'petition=1;dispute=1'])(
    'refuses "%s" at start-up',
    (raw) => {
      expect(() => loadConfig({ ...BASE, CONCORD_NEW_CASES_START_ON: raw })).toThrow(ConfigError);
    },
  );
});
