import { pino } from 'pino';
import { faultSerializer, levelOfNest, loggerParams } from './logging.js';

/** A logger with Concord's settings, writing into `lines`. */
function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const params = loggerParams('api', { level: 'trace', stream: { write: (line: string) => lines.push(line) } });
  const [options, stream] = params.pinoHttp as [pino.LoggerOptions, pino.DestinationStream];
  return { logger: pino(options, stream), lines };
}

describe('log settings', () => {
  it('redacts keys, secrets and party fields at the top and one level down', () => {
    const { logger, lines } = capture();
    logger.info({
      key: 'ck_live_secret',
      authorization: 'Bearer ck_live_secret',
      webhookSecret: 'whsec_x',
      payload: { note: '王小明 13812345678' },
      party: { name: '王小明', phone: '13812345678', idNumber: '110101199003071234' },
      request: { headers: { cookie: 'session=1' }, body: { parties: [{ name: '李大华' }] } },
      caseId: 'c-1',
    });
    const line = lines.join('');
    for (const hidden of [
      'ck_live_secret',
      'whsec_x',
      '王小明',
      '13812345678',
      '110101199003071234',
      'session=1',
      '李大华',
    ])
      expect([hidden, line.includes(hidden)]).toEqual([hidden, false]);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'api', caseId: 'c-1', key: '[redacted]' });
  });

  it('logs an error by what identifies it, never by its message (which may quote input)', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "王小明"'), { code: '22P02' });
    expect(faultSerializer(error).fault).toMatch(/^Error code 22P02/);
    expect(JSON.stringify(faultSerializer(error))).not.toContain('王小明');
    const { logger, lines } = capture();
    logger.error({ err: error }, 'failed');
    expect(lines.join('')).not.toContain('王小明');
  });

  it("maps Nest's logger levels to pino's", () => {
    expect(levelOfNest(false)).toBe('silent');
    expect(levelOfNest(['error'])).toBe('error');
    expect(levelOfNest(['log', 'warn', 'error'])).toBe('info');
    expect(levelOfNest(['verbose', 'error'])).toBe('trace');
  });
});
