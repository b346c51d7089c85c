/**
 * The client side of a fault run: concurrent clients that work cases over HTTP, an Idempotency-Key on every
 * POST, and a retry of every request that got no answer, a connection error or a 5xx, with the same key and
 * body, until it is acknowledged (2xx). Each client keeps a ledger of what it was acknowledged: the checks
 * compare that ledger with what PostgreSQL holds.
 */
import { delay } from './lab.js';

/** One acknowledged request: the server answered 2xx, so what it did must be in PostgreSQL, once. */
export interface Ack {
  key: string;
  type: string;
  caseId: string;
  /** The case's version after the event (= the event's seq), when the answer says it. */
  seq: number | null;
  referralId: string | null;
}

export interface CaseLedger {
  index: number;
  department: string;
  /** Stays in intake (REGISTER and a note only): its intake clock is one the scenarios may make come due. */
  atIntake: boolean;
  caseId: string | null;
  referralId: string | null;
  acks: Ack[];
  /** Every step was acknowledged. */
  done: boolean;
  /** A request was refused (4xx) or the time bound ran out: the case stopped where it was. */
  stoppedBy: string | null;
}

export interface LoadStats {
  attempts: number;
  acknowledged: number;
  retried: number;
  networkErrors: number;
  /** Answers by status, failures included (a 503 while PostgreSQL is down, …). */
  statuses: Map<number, number>;
  /** 4xx answers: a retry with the same key and body must never get one. */
  refusals: Array<{ key: string; status: number; detail: string }>;
  seconds: number;
}

export interface LoadOptions {
  base: string;
  run: string;
  cases: number;
  clients: number;
  intakeKey: string;
  departments: Array<{ code: string; key: string }>;
  /** The load stops (and the scenario fails) if it has not finished by then. */
  deadline: number;
  /** Every n-th case stays in intake. */
  atIntakeEvery: number;
  onCaseDone?: (ledger: CaseLedger) => void;
}

class OutOfTime extends Error {}
class Refused extends Error {}

const REQUEST_TIMEOUT_MS = 30_000;

export class Load {
  readonly cases: CaseLedger[] = [];
  readonly stats: LoadStats = {
    attempts: 0,
    acknowledged: 0,
    retried: 0,
    networkErrors: 0,
    statuses: new Map(),
    refusals: [],
    seconds: 0,
  };
  private next = 0;

  constructor(private readonly options: LoadOptions) {}

  get finished(): number {
    return this.cases.filter((c) => c.done).length;
  }

  async run(): Promise<void> {
    const started = Date.now();
    await Promise.all(Array.from({ length: this.options.clients }, () => this.client()));
    this.stats.seconds = (Date.now() - started) / 1000;
  }

  private async client(): Promise<void> {
    for (;;) {
      const index = this.next++;
      if (index >= this.options.cases) return;
      const { departments, atIntakeEvery } = this.options;
      const ledger: CaseLedger = {
        index,
        department: departments[index % departments.length]!.code,
        atIntake: atIntakeEvery > 0 && index % atIntakeEvery === 0,
        caseId: null,
        referralId: null,
        acks: [],
        done: false,
        stoppedBy: null,
      };
      this.cases.push(ledger);
      try {
        await this.work(ledger);
        ledger.done = true;
        this.options.onCaseDone?.(ledger);
      } catch (error) {
        if (!(error instanceof OutOfTime || error instanceof Refused)) throw error;
        ledger.stoppedBy = error.message;
        if (error instanceof OutOfTime) return;
      }
    }
  }

  /**
   * One case: register (with its category), accept, refer to a department, and the department acknowledges
   * (报到). A case left in intake gets a note instead, whose text is its key: a note applied twice would show.
   */
  private async work(c: CaseLedger): Promise<void> {
    const { run, intakeKey } = this.options;
    const key = (step: string) => `${run}-${c.index}-${step}`;
    const created = await this.post(intakeKey, '/cases', key('register'), {
      kind: 'dispute',
      channel: 'walk_in',
      unitCode: 'F-C',
      category: 'neighbour',
      summary: `fault load ${run} #${c.index}`,
      description: '楼上漏水导致天花板受损，双方协商未果。',
      parties: [
        { role: 'applicant', name: '王小明', phone: '13812345678' },
        { role: 'respondent', name: '李大华' },
      ],
    });
    c.caseId = created.id as string;
    c.acks.push({
      key: key('register'),
      type: 'REGISTER',
      caseId: c.caseId,
      seq: created.version as number,
      referralId: null,
    });

    const event = async (step: string, type: string, payload?: Record<string, unknown>) => {
      const answer = await this.post(intakeKey, `/cases/${c.caseId}/events`, key(step), {
        type,
        ...(payload ? { payload } : {}),
      });
      c.acks.push({ key: key(step), type, caseId: c.caseId!, seq: answer.version as number, referralId: null });
      return answer;
    };
    if (c.atIntake) {
      await event('note', 'ADD_NOTE', { text: key('note') });
      return;
    }
    await event('accept', 'ACCEPT');
    const referred = await event('refer', 'REFER', {
      departmentCode: c.department,
      instructions: '请核实情况并在五个工作日内答复。',
    });
    const referrals = referred.referrals as Array<{ id: string; departmentCode: string }>;
    c.referralId = referrals.find((r) => r.departmentCode === c.department)!.id;
    const department = this.options.departments.find((d) => d.code === c.department)!;
    await this.post(department.key, `/referrals/${c.referralId}/events`, key('ack'), { type: 'ACKNOWLEDGE' });
    c.acks.push({ key: key('ack'), type: 'ACKNOWLEDGE', caseId: c.caseId, seq: null, referralId: c.referralId });
  }

  /** POSTs until acknowledged: the same key and body every time. */
  private async post(
    apiKey: string,
    route: string,
    idempotencyKey: string,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const text = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > this.options.deadline) throw new OutOfTime(`out of time at ${route}`);
      if (attempt > 0) {
        this.stats.retried++;
        await delay(Math.min(1_000, 25 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
      }
      this.stats.attempts++;
      let status: number;
      let answer: Record<string, unknown>;
      try {
        const response = await fetch(`${this.options.base}${route}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey,
          },
          body: text,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.status;
        answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      } catch {
        this.stats.networkErrors++; // refused, reset, cut mid-answer, or timed out: unacknowledged, so retried
        continue;
      }
      this.stats.statuses.set(status, (this.stats.statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 300) {
        this.stats.acknowledged++;
        return answer;
      }
      if (status >= 500) continue;
      this.stats.refusals.push({ key: idempotencyKey, status, detail: String(answer.detail ?? answer.title ?? '') });
      throw new Refused(`${status} at ${route}: ${String(answer.detail ?? '')}`);
    }
  }
}
