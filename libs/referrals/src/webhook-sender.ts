import { Logger } from '@nestjs/common';
import { fetch, type Agent, type Response } from 'undici';
import type { Clock } from '#clock';
import { egressAgent, notAllowedCause, type EgressPolicy, type Resolver } from '#egress';
import { claimProcessing } from '#outbox';
import type { PiiCipher } from '#parties';
import type { Database } from '#persistence';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/** One run of a delivery job. */
export interface DeliveryAttempt {
  /** The job's outbox row: marked processed once the delivery is settled (delivered, dead or stale). */
  outboxId: string;
  deliveryId: string;
  /** The replay count the job was written for; a job of an older generation does nothing. */
  generation: number;
  /** No retry follows if this attempt fails: a failure makes the delivery dead. */
  last: boolean;
}

export type DeliveryOutcome = 'delivered' | 'skipped';

/** An attempt that did not get a 2xx. `permanent`: retrying the same request cannot help. */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';

  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

interface Target {
  status: string;
  generation: number;
  attempts: number;
  body: string;
  webhook_url: string | null;
  webhook_secret: string | null;
  /** The secret before the last rotation, and the end of its overlap window (both null outside one). */
  webhook_previous_secret: string | null;
  webhook_previous_secret_until: Date | null;
}

export type WebhookAnswer = { ok: true; status: number } | WebhookFailure;

export interface WebhookFailure {
  ok: false;
  status: number | null;
  error: string;
  permanent: boolean;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  /** Where a webhook may connect (see libs/egress). */
  egress: EgressPolicy;
  /** How host names are resolved; the system resolver by default. */
  resolve?: Resolver;
}

/**
 * One answer for every target the egress policy refuses, whatever it would have found there: nothing about the
 * target's address or ports reaches the delivery row, so `lastError` cannot be used to map a private network.
 */
const NOT_ALLOWED: WebhookFailure = {
  ok: false,
  status: null,
  error: 'the webhook address is not allowed',
  permanent: true,
};

/**
 * Sends one attempt of a referral event's webhook delivery and records its outcome. Guarded by compare-and-set
 * on the delivery row (status, generation), so a job that runs again after success, or a replay's stale
 * predecessor, sends nothing. The receiver still dedupes on the CloudEvent id: a worker that dies between the
 * 2xx and the commit sends the same event again.
 *
 * Every request goes through the egress policy: the URL is checked before sending (a department created before
 * the policy, or under a different one, is refused here), and each connection resolves the host, checks every
 * address and connects to the one it checked. A refused target fails the delivery at once, for good.
 */
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly agent: Agent;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly options: WebhookSenderOptions,
  ) {
    this.agent = egressAgent(options.egress, options.resolve);
  }

  /** Closes the connections kept for later deliveries. */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Resolves when delivered or when there is nothing to do; throws DeliveryFailed when the attempt failed. */
  async deliver(attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    const [target] = await this.db.query<Target>(
      `SELECT d.status, d.generation, d.attempts, d.body, dep.webhook_url, dep.webhook_secret,
              dep.webhook_previous_secret, dep.webhook_previous_secret_until
         FROM deliveries d JOIN departments dep ON dep.code = d.department_code WHERE d.id = $1`,
      [attempt.deliveryId],
    );
    if (!target || target.status !== 'pending' || target.generation !== attempt.generation) {
      await claimProcessing(this.db, attempt.outboxId, this.clock);
      return 'skipped';
    }
    if (!target.webhook_url || !target.webhook_secret) {
      // Nowhere to send it: dead-lettered where an admin sees it, rather than pending for ever.
      await this.settleFailed(
        attempt,
        { ok: false, status: null, error: 'the department has no webhook', permanent: true },
        true,
      );
      this.logger.warn(`delivery ${attempt.deliveryId}: the department has no webhook; dead-lettered`);
      return 'skipped';
    }

    const number = target.attempts + 1;
    // Within a rotation's overlap window the previous secret signs too, so the department's system accepts the
    // delivery whichever secret it holds; the window's end is the row's, read now, against the injected clock.
    const overlapping =
      target.webhook_previous_secret !== null &&
      target.webhook_previous_secret_until !== null &&
      target.webhook_previous_secret_until.getTime() > this.clock.now().getTime();
    const answer = await this.post({
      deliveryId: attempt.deliveryId,
      number,
      url: target.webhook_url,
      sealedSecrets: overlapping ? [target.webhook_secret, target.webhook_previous_secret!] : [target.webhook_secret],
      body: target.body,
    });
    if (answer.ok) {
      // Any generation: a 2xx is a 2xx, and a replay racing this attempt then finds nothing left to send. The
      // delivery and its outbox row are marked by one statement: atomic, and one round trip.
      await this.db.query(
        `WITH delivered AS (
           UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL,
             last_attempt_at = $3, delivered_at = $3 WHERE id = $1 AND status = 'pending')
         UPDATE outbox SET processed_at = $3 WHERE id = $4 AND processed_at IS NULL`,
        [attempt.deliveryId, answer.status, this.clock.now(), attempt.outboxId],
      );
      return 'delivered';
    }

    const dead = attempt.last || answer.permanent;
    // Replayed (or delivered by another run) while this attempt was under way: this job has nothing left to do.
    if (!(await this.settleFailed(attempt, answer, dead))) return 'skipped';
    this.logger.warn(
      `delivery ${attempt.deliveryId} attempt ${number}: ${answer.error}${dead ? '; dead-lettered' : '; will retry'}`,
    );
    throw new DeliveryFailed(`delivery ${attempt.deliveryId} attempt ${number}: ${answer.error}`, answer.permanent);
  }

  /**
   * Records a failed attempt of this generation (dead: no retry follows) and marks the job done when it
   * settles the delivery or finds it moved on. False when the row had moved on.
   */
  private settleFailed(attempt: DeliveryAttempt, failure: WebhookFailure, dead: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const updated = await tx.execute(
        `UPDATE deliveries SET attempts = attempts + 1, last_status = $3, last_error = $4, last_attempt_at = $5,
           status = CASE WHEN $6 THEN 'dead' ELSE status END, dead_at = CASE WHEN $6 THEN $5::timestamptz END
         WHERE id = $1 AND status = 'pending' AND generation = $2`,
        [attempt.deliveryId, attempt.generation, failure.status, failure.error, now, dead],
      );
      if (dead || updated === 0) await claimProcessing(tx, attempt.outboxId, this.clock);
      return updated === 1;
    });
  }

  /** POSTs the stored body verbatim. Nothing of the body, the secret or the URL goes into a failure. */
  private async post(request: {
    deliveryId: string;
    number: number;
    url: string;
    /** The secrets that sign, sealed, newest first. */
    sealedSecrets: string[];
    body: string;
  }): Promise<WebhookAnswer> {
    let secrets: string[];
    try {
      secrets = request.sealedSecrets.map((sealed) => this.cipher.decrypt(sealed));
    } catch {
      return {
        ok: false,
        status: null,
        error: 'the webhook secret cannot be decrypted (was CONCORD_DATA_KEY changed?)',
        permanent: false,
      };
    }
    const refused = this.options.egress.refuseUrl(request.url);
    if (refused) {
      this.logger.warn(`delivery ${request.deliveryId}: the webhook URL ${refused}`);
      return NOT_ALLOWED;
    }
    let response: Response;
    try {
      response = await fetch(request.url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          [SIGNATURE_HEADER]: signatureHeader(secrets, request.body),
          'X-Concord-Delivery': request.deliveryId,
          'X-Concord-Attempt': String(request.number),
        },
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const notAllowed = notAllowedCause(error);
      if (notAllowed) {
        this.logger.warn(`delivery ${request.deliveryId}: ${notAllowed.reason}`);
        return NOT_ALLOWED;
      }
      return { ok: false, status: null, error: describe(error, this.options.timeoutMs), permanent: false };
    }
    // The answer's body is not read: nothing is done with it, and it must not hold the connection.
    await response.body?.cancel().catch(() => undefined);
    return classify(response.status);
  }
}

/**
 * 408, 429 and 5xx are worth retrying; any other non-2xx (a refusal, a redirect not followed) would be given
 * the same answer again, so the delivery is dead-lettered at once for an admin to replay once it is fixed.
 */
export function classify(status: number): WebhookAnswer {
  if (status >= 200 && status < 300) return { ok: true, status };
  if (status === 408 || status === 429 || status >= 500)
    return { ok: false, status, error: `HTTP ${status}`, permanent: false };
  if (status >= 300 && status < 400)
    return { ok: false, status, error: `HTTP ${status}: redirects are not followed`, permanent: true };
  return { ok: false, status, error: `HTTP ${status}: refused, not retried`, permanent: true };
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)
    ? `connection failed (${code})`
    : 'connection failed';
}

/** The referrals queue's retry schedule (defined with the queues, which are created with it). */
export { webhookJobOptions } from '#queues';
