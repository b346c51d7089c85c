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

describe('single sign-on settings', () => {
  const OIDC = {
    ...BASE,
    CONCORD_OIDC_ISSUER: 'https://sso.gov.example/realms/staff',
    CONCORD_OIDC_CLIENT_ID: 'concord',
    CONCORD_OIDC_CLIENT_SECRET: 'a-client-secret',
    CONCORD_OIDC_REDIRECT_URL: 'https://concord.gov.example/api/v1/session/oidc/callback',
  };

  it('is off while CONCORD_OIDC_ISSUER is unset, and reads the username from preferred_username by default', () => {
    expect(loadConfig(BASE).oidc).toBeNull();
    expect(loadConfig({ ...OIDC, CONCORD_OIDC_ISSUER: ' ' }).oidc).toBeNull();
    expect(loadConfig(OIDC).oidc).toEqual({
      issuer: 'https://sso.gov.example/realms/staff',
      clientId: 'concord',
      clientSecret: 'a-client-secret',
      usernameClaim: 'preferred_username',
      redirectUrl: 'https://concord.gov.example/api/v1/session/oidc/callback',
    });
    expect(loadConfig({ ...OIDC, CONCORD_OIDC_USERNAME_CLAIM: 'uid' }).oidc?.usernameClaim).toBe('uid');
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://127.9.0.1/realm',
    'http://[::1]:9000',
    'http://localhost:9000',
    'https://10.0.0.8/sso',
  ])('takes the issuer %s (http on a loopback address only)', (issuer) => {
    expect(loadConfig({ ...OIDC, CONCORD_OIDC_ISSUER: issuer }).oidc?.issuer).toBe(issuer);
  });

  it.each([
    ['CONCORD_OIDC_ISSUER', 'http://sso.gov.example'],
    ['CONCORD_OIDC_ISSUER', 'http://10.0.0.8'],
    ['CONCORD_OIDC_ISSUER', 'http://[::ffff:10.0.0.8]'],
    ['CONCORD_OIDC_ISSUER', 'http://localhost.gov.example'],
    ['CONCORD_OIDC_ISSUER', 'sso.gov.example'],
    ['CONCORD_OIDC_ISSUER', 'ftp://127.0.0.1'],
    ['CONCORD_OIDC_ISSUER', 'https://sso.gov.example/?realm=staff'],
    ['CONCORD_OIDC_ISSUER', 'https://sso.gov.example/#staff'],
    ['CONCORD_OIDC_ISSUER', 'https://sso.gov.example/.well-known/openid-configuration'],
    ['CONCORD_OIDC_REDIRECT_URL', 'http://concord.gov.example/api/v1/session/oidc/callback'],
    ['CONCORD_OIDC_REDIRECT_URL', '/api/v1/session/oidc/callback'],
    ['CONCORD_OIDC_REDIRECT_URL', ''],
    ['CONCORD_OIDC_CLIENT_ID', ''],
    ['CONCORD_OIDC_CLIENT_SECRET', ''],
  ])('refuses %s="%s" at start-up', (name, value) => {
    expect(() => loadConfig({ ...OIDC, [name]: value })).toThrow(ConfigError);
  });
});
