import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { LogLevel } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream, type LevelWithSilent, type LoggerOptions } from 'pino';
import { describeFault } from '#persistence';
import { newRequestId } from './request-context.js';

/** How a process logs: one JSON object a line on stdout, or human-readable lines on a terminal. */
export interface LogSettings {
  /** `CONCORD_LOG_LEVEL` (default `info`); `silent` logs nothing. */
  level: LevelWithSilent;
  /** Where lines go instead of stdout: tests read what the real logger wrote. */
  stream?: DestinationStream;
  /** Human-readable lines (pino-pretty) instead of JSON: for a terminal only, and only where pino-pretty is installed. */
  pretty?: boolean;
}

/**
 * Paths no line may show, whatever logs them: keys, secrets and credentials, and the fields of a party
 * (names, phones, ID numbers). Concord's own lines never carry bodies, payloads or party data (they log ids, codes
 * and route patterns, and faults through describeFault); this is the net under that, for a line a later change or
 * a library adds. Matching is by key, at the top and one level down (pino's redaction has no recursive wildcard).
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'key',
  'apiKey',
  'secret',
  'webhookSecret',
  'password',
  'currentPassword',
  'newPassword',
  'oneTimePassword',
  'passwordHash',
  'csrfToken',
  'set-cookie',
  'name',
  'phone',
  'idNumber',
  'parties',
  'summary',
  'description',
  'body',
  'payload',
  'data',
  'headers',
  'query',
].flatMap((key) => [key, `*.${key}`]);

/** An error in a log line: what identifies the fault (describeFault), never its message, which may quote input. */
export function faultSerializer(error: unknown): { type: string; fault: string } {
  return {
    type: error instanceof Error ? error.constructor.name : typeof error,
    fault: describeFault(error, { frames: 8 }),
  };
}

/** The pino level of a Nest `logger` option (the most verbose level it lists). */
export function levelOfNest(levels: LogLevel[] | false): LevelWithSilent {
  if (levels === false || levels.length === 0) return 'silent';
  const order: Array<[LogLevel, LevelWithSilent]> = [
    ['verbose', 'trace'],
    ['debug', 'debug'],
    ['log', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['fatal', 'fatal'],
  ];
  return order.find(([nest]) => levels.includes(nest))?.[1] ?? 'info';
}

function prettyTransport(): LoggerOptions['transport'] | undefined {
  try {
    // A development dependency: absent from the production image, where logs are JSON whatever the terminal.
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return {
    target: 'pino-pretty',
    options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
  };
}

/**
 * The nestjs-pino configuration of a Concord process (`service`: `api` or `worker`). Every line is one JSON
 * object with `time` (ISO 8601), `level` (its name), `service` and `msg`; lines logged while a request is
 * handled carry its `requestId`. The per-request line is written by the API's HTTP hooks (it needs the route
 * pattern and the principal, which pino-http does not see), so pino-http's own is turned off.
 */
export function loggerParams(service: string, settings: LogSettings): Params {
  const transport = settings.pretty && !settings.stream ? prettyTransport() : undefined;
  const options = {
    level: settings.level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: faultSerializer, error: faultSerializer },
    ...(transport ? { transport } : {}),
    autoLogging: false,
    // Lines logged inside a request carry only its id, never the request itself (headers hold the key).
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // Fastify's request id (from a valid X-Request-Id, or a new one), which @fastify/middie copies to the raw request.
    genReqId: (req: IncomingMessage & { id?: unknown }) => (typeof req.id === 'string' ? req.id : newRequestId()),
  };
  return { pinoHttp: settings.stream ? [options, settings.stream] : options };
}
