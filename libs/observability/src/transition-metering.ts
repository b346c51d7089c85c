import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, ErrorCode } from '#domain';
import { CaseEngine, type Transition } from '#engine';
import { Metrics } from '#metrics';
import { Database } from '#persistence';
import { inSpan } from '#telemetry';
import { referralWorkflows, workflows } from '#workflows';

/** Every event name a machine declares: a client's unknown `type` is counted as `other`, so labels stay bounded. */
const EVENT_NAMES: ReadonlySet<string> = new Set([
  'REGISTER',
  ...[
    ...Object.values(workflows).flatMap((versions) => Object.values(versions)),
    ...Object.values(referralWorkflows),
  ].flatMap((workflow) => Object.keys(workflow.events)),
]);

/**
 * Counts and traces every event sent to the case engine, from outside it: `concord_transitions_total{kind, event,
 * outcome}` (outcome `applied`, `stale` for a deadline no longer pending, or the refusal's code), its duration,
 * and a `concord.transition` span (the child of the request's or job's, the parent of the outbox relay's). The
 * engine's entry points are wrapped once, at start-up, on the one instance every caller shares, so that the
 * engine itself stays free of telemetry.
 */
@Injectable()
export class TransitionMetering implements OnModuleInit {
  constructor(
    private readonly engine: CaseEngine,
    private readonly metrics: Metrics,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    const { engine } = this;
    const open = engine.open.bind(engine);
    const send = engine.send.bind(engine);
    const act = engine.act.bind(engine);
    engine.open = (command) => this.observe(command.kind, 'REGISTER', null, () => open(command));
    engine.send = ((command: Parameters<CaseEngine['send']>[0]) =>
      this.observe(null, command.type, command.caseId, () => send(command))) as CaseEngine['send'];
    engine.act = ((command: Parameters<CaseEngine['act']>[0]) =>
      this.observe('referral', command.type, null, () => act(command))) as CaseEngine['act'];
  }

  private observe<T>(kind: string | null, type: string, caseId: string | null, run: () => Promise<T>): Promise<T> {
    const event = EVENT_NAMES.has(type) ? type : 'other';
    const attributes = { 'concord.event': event, ...(kind ? { 'concord.kind': kind } : {}) };
    return inSpan('concord.transition', { attributes }, async (span) => {
      const started = performance.now();
      let outcome = 'applied';
      let known = kind;
      try {
        const result = await run();
        if (result === null) outcome = 'stale';
        known ??= (result as Transition | null)?.case?.kind ?? null;
        return result;
      } catch (error) {
        outcome = error instanceof DomainError ? error.code : 'error';
        throw error;
      } finally {
        // A refused event's case kind is read once more (a refusal is rare, and this is a primary key lookup).
        if (!known && caseId && outcome !== ErrorCode.NotFound) known = await this.kindOf(caseId);
        known ??= 'unknown';
        span.setAttribute('concord.kind', known);
        span.setAttribute('concord.outcome', outcome);
        this.metrics.transitions.inc({ kind: known, event, outcome });
        this.metrics.transitionDuration.observe({ kind: known, outcome }, (performance.now() - started) / 1000);
      }
    });
  }

  private async kindOf(caseId: string): Promise<string | null> {
    try {
      const [row] = await this.db.query<{ kind: string }>('SELECT kind FROM cases WHERE id = $1', [caseId]);
      return row?.kind ?? null;
    } catch {
      return null;
    }
  }
}
