import { ErrorCode } from '#domain';
import { workflows } from '../index.js';
import { restoreSnapshot, type StoredSnapshot } from '../runtime/machine-runtime.js';
import { decideMigration, migrateSnapshot, MIGRATIONS } from './migrate.js';
import { disputeV1ToV2 } from './upgrades.js';

const dispute = { kind: 'dispute', versions: workflows.dispute } as const;
const petition = { kind: 'petition', versions: workflows.petition } as const;
const admin = { role: 'admin' };

/** A version-1 snapshot at `value`, with the machine's initial context. */
function at(kind: 'dispute' | 'petition', value: unknown, version = 1) {
  const workflow = workflows[kind][version]!;
  const initial = workflow.machine.getInitialSnapshot({} as never, { category: null });
  return restoreSnapshot(workflow, { status: 'active', value, context: initial.context } as StoredSnapshot);
}

const refusal = (result: ReturnType<typeof decideMigration>) => {
  if (result.ok) throw new Error('expected a refusal');
  return { code: result.refusal.code, message: result.refusal.message, errors: result.refusal.errors };
};

describe('MIGRATE_MACHINE as a pure decision', () => {
  const payload = { toVersion: 2, reason: 'the bureau moves to version 2' };

  it('is for admins only', () => {
    for (const role of ['intake', 'mediator', 'auditor', 'system']) {
      const result = decideMigration(dispute, 1, at('dispute', { mediation: 'assigned' }), {
        payload,
        actor: { role },
      });
      expect(refusal(result).code).toBe(ErrorCode.Forbidden);
    }
  });

  it.each([
    ['no reason', { toVersion: 2 }, 'payload.reason'],
    ['no version', { reason: 'x' }, 'payload.toVersion'],
    ['answers that are not an object', { ...payload, answers: 'claim' }, 'payload.answers'],
    ['an unknown field', { ...payload, force: true }, 'payload.force'],
  ])('refuses a payload with %s (422)', (_, body, field) => {
    const result = decideMigration(dispute, 1, at('dispute', { mediation: 'assigned' }), {
      payload: body,
      actor: admin,
    });
    expect(refusal(result)).toMatchObject({ code: ErrorCode.ValidationFailed, errors: [{ field }] });
  });

  it('refuses answers the upgrade does not take (422): a dispute is asked nothing, a petition its class', () => {
    const disputeAnswers = decideMigration(dispute, 1, at('dispute', { mediation: 'assigned' }), {
      payload: { ...payload, answers: { petitionType: 'claim' } },
      actor: admin,
    });
    expect(refusal(disputeAnswers)).toMatchObject({ errors: [{ field: 'payload.answers.petitionType' }] });
    const handling = at('petition', { mediation: 'handling' });
    for (const answers of [undefined, {}, { petitionType: 'complaint' }]) {
      const result = decideMigration(petition, 1, handling, { payload: { ...payload, answers }, actor: admin });
      expect(refusal(result).code).toBe(ErrorCode.ValidationFailed);
    }
  });

  it('refuses with the reason (409) where no upgrade leads to the version asked for', () => {
    const cases: Array<[number, number, string]> = [
      [1, 1, 'The case already runs on version 1 of the dispute machine.'],
      [1, 3, 'No dispute machine has version 3 (known versions: 1, 2).'],
      [2, 2, 'The case already runs on version 2 of the dispute machine.'],
    ];
    for (const [from, toVersion, message] of cases) {
      const result = decideMigration(dispute, from, at('dispute', { mediation: 'assigned' }, from), {
        payload: { ...payload, toVersion },
        actor: admin,
      });
      expect(refusal(result)).toMatchObject({ code: ErrorCode.Conflict, message });
    }
  });

  it('refuses an archived case, and an accusation already being handled, with the mapping’s reason (409)', () => {
    const archived = decideMigration(dispute, 1, at('dispute', { archive: 'closed' }), { payload, actor: admin });
    expect(refusal(archived)).toMatchObject({
      code: ErrorCode.Conflict,
      message: 'An archived case stays on the version it ended on.',
    });
    const accusation = decideMigration(petition, 1, at('petition', { mediation: 'handling' }), {
      payload: { ...payload, answers: { petitionType: 'accusation' } },
      actor: admin,
    });
    expect(refusal(accusation)).toMatchObject({ code: ErrorCode.Conflict });
    expect(refusal(accusation).message).toContain('信访工作条例 art. 30');
  });

  it('keeps a clock both versions declare, ends one only version 1 declares, starts one only version 2 declares', () => {
    const mediating = decideMigration(dispute, 1, at('dispute', { mediation: 'in_session' }), {
      payload,
      actor: admin,
    });
    if (!mediating.ok) throw mediating.refusal;
    expect([...mediating.clocks.before.keys()]).toEqual(['dispute.mediation']);
    expect([...mediating.clocks.after.keys()]).toEqual(['dispute.mediation']);
    expect(mediating.clocks.restarted.size).toBe(0);
    expect(mediating.workflow.version).toBe(2);

    const agreed = decideMigration(dispute, 1, at('dispute', { mediation: 'agreement' }), { payload, actor: admin });
    if (!agreed.ok) throw agreed.refusal;
    expect([...agreed.clocks.before.keys()]).toEqual(['dispute.mediation']);
    expect([...agreed.clocks.after.keys()]).toEqual(['dispute.judicial_application']);
  });

  it('gives the case version 2’s snapshot, with the answers stated, and leaves what it was given unchanged', () => {
    const handling = at('petition', { mediation: 'handling' });
    const before = JSON.stringify({ value: handling.value, context: handling.context });
    const result = decideMigration(petition, 1, handling, {
      payload: { ...payload, answers: { petitionType: 'claim' } },
      actor: admin,
    });
    if (!result.ok) throw result.refusal;
    expect(result.request).toEqual({ ...payload, answers: { petitionType: 'claim' } });
    expect(result.next.value).toEqual({ mediation: 'handling' });
    expect(result.next.context).toMatchObject({ petitionType: 'claim', delivered: false });
    expect(JSON.stringify({ value: handling.value, context: handling.context })).toBe(before);
  });

  it('replays from a recorded request to the same snapshot the decision gave', () => {
    const snapshot = at('dispute', { mediation: 'judicial_confirmation' });
    const decided = decideMigration(dispute, 1, snapshot, { payload, actor: admin });
    if (!decided.ok) throw decided.refusal;
    const stored = { status: snapshot.status, value: snapshot.value, context: snapshot.context } as StoredSnapshot;
    const replayed = migrateSnapshot(workflows.dispute, disputeV1ToV2, stored, decided.request);
    if (!replayed.ok) throw replayed.refusal;
    expect(replayed.next.value).toEqual({ mediation: { judicial_confirmation: 'applied' } });
    expect(replayed.next.context).toEqual(decided.next.context);
  });

  it('documents a payload for every upgrade, with the answers each asks for', () => {
    expect(MIGRATIONS.map((m) => [m.kind, m.from, m.to])).toEqual([
      ['dispute', 1, 2],
      ['petition', 1, 2],
    ]);
    expect(MIGRATIONS[1]!.payload).toMatchObject({
      required: ['toVersion', 'answers', 'reason'],
      properties: { answers: { required: ['petitionType'] } },
    });
  });
});
