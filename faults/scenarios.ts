/**
 * The five fault scenarios. Each runs a client load against the built API and worker, breaks one thing at
 * random moments while the load runs, lets the system settle, then counts what was lost and duplicated.
 */
import { randomBytes } from 'node:crypto';
import { check } from './check.js';
import { makeDue, resync } from './due-now.js';
import { between, delay } from './lab.js';
import { Load, type CaseLedger } from './load.js';
import type { Mode } from './receiver.js';
import { fmt, type Outcome } from './report.js';
import { adminPost, closeStage, openStage, settle, type Lab, type Stage } from './stage.js';

export interface Scenario {
  name: string;
  run(lab: Lab): Promise<Outcome>;
}

interface Plan {
  cases: number;
  clients: number;
  /** Every n-th case stays in intake (its intake clock is one that can be made due). */
  atIntakeEvery: number;
  loadBoundS: number;
  settleBoundS: number;
}

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** FAULTS_CASES scales every scenario's load (for a quick try); the default is the issue's 10,000 for the kills. */
const scaled = (n: number) => Math.max(20, Math.round((n * num('FAULTS_CASES', 10_000)) / 10_000));

const boundOf = (p: Plan, departments: number) =>
  `${fmt(p.cases)} cases (${p.atIntakeEvery ? `1 in ${p.atIntakeEvery}: register + ADD_NOTE; the rest: ` : ''}` +
  `register, ACCEPT, REFER to one of ${departments} webhook departments, ACKNOWLEDGE), ` +
  `${p.clients} clients; load ≤ ${p.loadBoundS} s, settle ≤ ${p.settleBoundS} s`;

/** Starts the load; `running()` is true until every client has finished (or run out of time). */
function startLoad(stage: Stage, plan: Plan, onCaseDone?: (c: CaseLedger) => void) {
  const run = randomBytes(4).toString('hex');
  const load = new Load({
    base: stage.base,
    run,
    cases: plan.cases,
    clients: plan.clients,
    intakeKey: stage.intakeKey,
    departments: stage.departments,
    deadline: Date.now() + plan.loadBoundS * 1000,
    atIntakeEvery: plan.atIntakeEvery,
    onCaseDone,
  });
  let running = true;
  const done = load.run().finally(() => (running = false));
  return { load, run, done, running: () => running };
}

/** Sleeps `ms`, or less if `stillGoing` turns false. */
async function sleepWhile(stillGoing: () => boolean, ms: number): Promise<void> {
  for (const until = Date.now() + ms; stillGoing() && Date.now() < until;)
    await delay(Math.min(100, until - Date.now()));
}

/** Settles, checks and assembles the outcome. */
async function finish(
  stage: Stage,
  plan: Plan,
  departments: number,
  faults: string,
  started: ReturnType<typeof startLoad>,
  extra: string[],
  settleHook?: () => Promise<void>,
): Promise<Outcome> {
  await started.done;
  const quiet = await settleWith(stage, plan.settleBoundS * 1000, settleHook);
  const findings = await check(stage.url, started.load.cases, stage.receivers, started.run);
  return {
    name: stage.name,
    bound: boundOf(plan, departments),
    faults,
    load: started.load.stats,
    cases: { planned: plan.cases, done: started.load.finished },
    quiet,
    findings,
    fiveHundreds: started.load.stats.statuses.get(500) ?? 0,
    extra,
  };
}

async function settleWith(stage: Stage, boundMs: number, hook?: () => Promise<void>) {
  if (!hook) return settle(stage, boundMs);
  let settling = true;
  const hooks = (async () => {
    while (settling) {
      await hook().catch(() => undefined);
      await delay(2_000);
    }
  })();
  const quiet = await settle(stage, boundMs);
  settling = false;
  await hooks;
  return quiet;
}

/**
 * `finish` for a scenario that made clocks due behind the worker's back: while it settles, the harness re-syncs
 * the timers of its own due-time edits (due-now.ts), and says how many it had to.
 */
async function finishResyncing(
  stage: Stage,
  plan: Plan,
  faults: string,
  started: ReturnType<typeof startLoad>,
  madeDue: string[],
): Promise<Outcome> {
  let resynced = 0;
  const extra: string[] = [];
  const outcome = await finish(stage, plan, DEPARTMENTS, faults, started, extra, async () => {
    resynced += await resync(stage.url, madeDue, stage.deadlines);
  });
  extra.push(`timers re-synced by the harness after its own due-time edit: ${resynced}`);
  return outcome;
}

const DEPARTMENTS = 4;
/** How long PostgreSQL stays down: longer than a webhook's whole retry budget here (5 attempts over ~4.5 s). */
const PG_DOWN_MS = num('FAULTS_PG_DOWN_MS', 8_000);

/** kill -9 the API at random moments; clients retry what was not acknowledged, with the same Idempotency-Key. */
const apiKill: Scenario = {
  name: 'api-kill',
  async run(lab) {
    const plan: Plan = { cases: scaled(10_000), clients: 32, atIntakeEvery: 10, loadBoundS: 900, settleBoundS: 300 };
    const stage = await openStage(lab, 'api-kill', { departments: DEPARTMENTS });
    try {
      const load = startLoad(stage, plan);
      const downs: number[] = [];
      while (load.running()) {
        await sleepWhile(load.running, between(5_000, 15_000));
        if (!load.running()) break;
        await stage.api.kill9();
        const down = Date.now();
        await delay(between(0, 1_000));
        await stage.api.start();
        downs.push(Date.now() - down);
      }
      const faults = `API killed with SIGKILL ${stage.api.kills} times, every 5–15 s at random; down ${fmt(avg(downs))} ms on average until it served again`;
      return await finish(stage, plan, DEPARTMENTS, faults, load, []);
    } finally {
      await closeStage(lab, stage);
    }
  },
};

/**
 * kill -9 the worker at random moments while it relays, fires deadlines, delivers webhooks and records notices.
 * While it is dead, the clocks of some finished cases are made due (due-now.ts), so deadlines fire, and their
 * effects run, under the kills that follow.
 */
const workerKill: Scenario = {
  name: 'worker-kill',
  async run(lab) {
    const plan: Plan = { cases: scaled(10_000), clients: 32, atIntakeEvery: 10, loadBoundS: 900, settleBoundS: 600 };
    const stage = await openStage(lab, 'worker-kill', { departments: DEPARTMENTS });
    try {
      const finished: string[] = [];
      const madeDue: string[] = [];
      // Every third finished case has its clocks made due: a referral's reply clock (warning, then breach: 督办,
      // a notice, two webhooks), or for a case left in intake its intake clock (warnings, then escalation).
      const load = startLoad(stage, plan, (c) => void (c.index % 3 === 0 && finished.push(c.caseId!)));
      const cycle = async () => {
        await stage.worker.kill9();
        const down = Date.now();
        madeDue.push(...(await makeDue(stage.url, finished.splice(0), stage.deadlines)));
        await delay(Math.max(0, between(200, 1_500) - (Date.now() - down)));
        await stage.worker.start();
      };
      while (load.running()) {
        await sleepWhile(load.running, between(2_000, 7_000));
        if (load.running()) await cycle();
      }
      await load.done;
      await cycle(); // the clocks of the cases that finished last
      const faults =
        `worker killed with SIGKILL ${stage.worker.kills} times, every 2–7 s at random, down 0.2–1.5 s; ` +
        `${fmt(madeDue.length)} deadline rows made due while it was down`;
      return await finishResyncing(stage, plan, faults, load, madeDue);
    } finally {
      await closeStage(lab, stage);
    }
  },
};

/**
 * FLUSHALL, then Redis stopped and started again on the same port, twice during the load (at 20% and 50%). While Redis is down,
 * some finished cases' clocks are made due in PostgreSQL only: their timers are gone with the flush, so only the
 * reconciler can bring them back. Notices and deliveries whose jobs were flushed come back by the relay's resweep.
 */
const redisFlush: Scenario = {
  name: 'redis-flush',
  async run(lab) {
    const plan: Plan = { cases: scaled(4_000), clients: 32, atIntakeEvery: 10, loadBoundS: 240, settleBoundS: 150 };
    const stage = await openStage(lab, 'redis-flush', { departments: DEPARTMENTS });
    try {
      const finished: string[] = [];
      const madeDue: string[] = [];
      const load = startLoad(stage, plan, (c) => void (c.index % 3 === 0 && finished.push(c.caseId!)));
      const flushes: string[] = [];
      for (const at of [0.2, 0.5]) {
        while (load.running() && load.load.finished < plan.cases * at) await delay(100);
        if (!load.running()) break;
        const keys = await stage.redisClient.dbsize();
        await stage.redisClient.flushall();
        await stage.redis.stop();
        const moved = await makeDue(stage.url, finished.splice(0), null);
        madeDue.push(...moved);
        await delay(1_000);
        await stage.redis.start();
        flushes.push(
          `at ${Math.round(at * 100)}% (${fmt(keys)} keys flushed, ${fmt(moved.length)} clocks made due while down)`,
        );
      }
      const faults =
        `FLUSHALL + Redis stopped 1 s and restarted on the same port ${flushes.length} times: ${flushes.join('; ')}; ` +
        `${fmt(madeDue.length)} deadline rows made due in all`;
      return await finishResyncing(stage, plan, faults, load, madeDue);
    } finally {
      await closeStage(lab, stage);
    }
  },
};

/**
 * PostgreSQL stopped (fast shutdown) and started again twice during the load. Clients must get 503 (or no
 * connection), never 500, and retry with the same Idempotency-Key.
 */
const postgresRestart: Scenario = {
  name: 'postgres-restart',
  async run(lab) {
    const plan: Plan = { cases: scaled(4_000), clients: 32, atIntakeEvery: 10, loadBoundS: 240, settleBoundS: 120 };
    const stage = await openStage(lab, 'postgres-restart', { departments: DEPARTMENTS });
    try {
      const load = startLoad(stage, plan);
      const restarts: string[] = [];
      for (const at of [0.25, 0.6]) {
        while (load.running() && load.load.finished < plan.cases * at) await delay(100);
        if (!load.running()) break;
        const before = new Map(load.load.stats.statuses);
        const started = Date.now();
        await lab.pg.stop();
        await delay(PG_DOWN_MS);
        await lab.pg.start();
        const during = [...load.load.stats.statuses]
          .filter(([s, n]) => s >= 500 && n > (before.get(s) ?? 0))
          .map(([s, n]) => `${s} ×${n - (before.get(s) ?? 0)}`);
        restarts.push(
          `at ${Math.round(at * 100)}%, down ${fmt((Date.now() - started) / 1000, 1)} s (answers meanwhile: ${during.join(', ') || 'none'})`,
        );
      }
      const faults = `PostgreSQL fast shutdown, ${PG_DOWN_MS / 1000} s down, started again on the same port, ${restarts.length} times: ${restarts.join('; ')}`;
      return await finish(stage, plan, DEPARTMENTS, faults, load, []);
    } finally {
      await closeStage(lab, stage);
    }
  },
};

/**
 * Receivers that hang, fail with 500 now and then, refuse connections, and refuse messages (410) during the
 * first part of the load; then they recover, the dead letters are replayed by an admin, and every referral event
 * must have been taken once.
 */
const webhookFaults: Scenario = {
  name: 'webhook-faults',
  async run(lab) {
    const plan: Plan = { cases: scaled(2_000), clients: 16, atIntakeEvery: 0, loadBoundS: 180, settleBoundS: 120 };
    const stage = await openStage(lab, 'webhook-faults', { departments: DEPARTMENTS });
    try {
      const modes: Mode[] = ['hang', 'flaky', 'refuse', 'reject'];
      for (const [i, d] of stage.departments.entries()) await stage.receivers.setMode(d.code, modes[i]!);
      const load = startLoad(stage, plan);
      // A hung receiver holds a delivery slot for the whole timeout: it hangs for 10 s, not for half the load.
      await sleepWhile(load.running, 10_000);
      await stage.receivers.setMode(stage.departments[0]!.code, 'ok');
      while (load.running() && load.load.finished < plan.cases * 0.5) await delay(100);
      await stage.receivers.setAll('ok');
      await load.done;
      // Retries settle: what could not be delivered is dead-lettered (or delivered once the receiver recovered).
      const first = await settle(stage, plan.settleBoundS * 1000);
      const dead = await deadLetters(stage);
      const replay = await adminPost(stage.base, stage.adminKey, '/admin/deliveries/replay', {});
      const faults =
        `receivers ${stage.departments.map((d, i) => `${d.code} ${modes[i]}`).join(', ')} (hang for the first 10 s, the others for the ` +
        `first half of the load), then all answer 200; ` +
        `webhook timeout 1.5 s, 5 attempts, backoff 0.3 s doubling`;
      const extra = [
        `before the replay: ${first.settled ? `settled in ${fmt(first.seconds, 1)} s` : `not settled (${first.waiting})`}; ` +
          `dead letters: ${
            Object.entries(dead)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ') || 'none'
          }; admin replay answered ${JSON.stringify(replay)}`,
      ];
      return await finish(stage, plan, DEPARTMENTS, faults, load, extra);
    } finally {
      await closeStage(lab, stage);
    }
  },
};

async function deadLetters(stage: Stage): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let cursor: string | null = null; ;) {
    const response = await fetch(
      `${stage.base}/admin/deliveries?status=dead&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      {
        headers: { authorization: `Bearer ${stage.adminKey}` },
      },
    );
    const page = (await response.json()) as { items: Array<{ departmentCode: string }>; nextCursor: string | null };
    for (const item of page.items) out[item.departmentCode] = (out[item.departmentCode] ?? 0) + 1;
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export const SCENARIOS: Scenario[] = [apiKill, workerKill, redisFlush, postgresRestart, webhookFaults];
