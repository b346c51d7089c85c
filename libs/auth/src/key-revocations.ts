import { EventEmitter } from 'node:events';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { KeyCache } from './key-cache.js';

/** The channel a key's changes are announced on (the `api_keys_changed` trigger, and every revocation). */
export const API_KEYS_CHANNEL = 'concord_api_keys';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

/**
 * One dedicated PostgreSQL connection per API process that LISTENs on `concord_api_keys` and drops the cached
 * entries of each key announced there, so a key revoked on any process, or in the database, is refused from
 * the next request on. The cache is used only while this connection is listening: from start-up until LISTEN
 * has answered, and from any error until it has answered again, the cache is empty and unused, so a missed
 * notification cannot keep a revoked key alive. It reconnects with a doubling backoff.
 *
 * Emits `listening` (LISTEN answered), `disconnected` (the connection was lost) and `invalidated` (key id)
 * once a key's entries are gone.
 */
export class KeyRevocationListener extends EventEmitter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyRevocationListener.name);
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly cache: KeyCache,
  ) {
    super();
  }

  get listening(): boolean {
    return this.cache.active;
  }

  /** The first attempt is awaited, so an API that starts with PostgreSQL up serves with its cache on. */
  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    this.cache.disable();
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'concord-api-key-listener',
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== API_KEYS_CHANNEL || !message.payload || this.client !== client) return;
      this.cache.drop(message.payload);
      this.emit('invalidated', message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${API_KEYS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.failures = 0;
    this.cache.enable();
    this.emit('listening');
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.cache.disable();
    client.end().catch(() => undefined);
    this.emit('disconnected');
    if (this.stopped) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures++);
    this.logger.warn(
      `the API key listener lost PostgreSQL (${(error as Error | undefined)?.message ?? 'connection ended'}); keys are not cached until it is back; retrying in ${delay} ms`,
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
    this.retry.unref();
  }
}
