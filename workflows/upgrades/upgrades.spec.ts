import type { AnyMachineSnapshot } from 'xstate';
import { statePath, type MachineEvent, type MachineWorkflow } from '#domain';
import { disputeV2Workflow } from '../dispute/dispute-v2.machine.js';
import { disputeWorkflow } from '../dispute/dispute.machine.js';
import { petitionV2Workflow } from '../petition/petition-v2.machine.js';
import { petitionWorkflow } from '../petition/petition.machine.js';
import { allowedEvents, isFinal, restoreSnapshot, storeSnapshot } from '../runtime/machine-runtime.js';
import { walkGraph } from '../testing/graph-audit.js';
import { disputeSampleEvents, petitionSampleEvents } from '../testing/sample-events.js';
import { disputeV1ToV2, petitionV1ToV2, upgradeFrom, type Upgrade } from './upgrades.js';

/** Every distinct snapshot a walk of the old version reaches, as the engine stores it. */
function reached(workflow: MachineWorkflow, samples: MachineEvent[]) {
  const seen = new Map<string, ReturnType<typeof storeSnapshot>>();
  for (const s of walkGraph(workflow, samples, { category: null }).snapshots) {
    const stored = storeSnapshot(s);
    seen.set(JSON.stringify(stored), stored);
  }
  return [...seen.values()];
}

function check(upgrade: Upgrade, from: MachineWorkflow, to: MachineWorkflow, samples: MachineEvent[], answers: object) {
  const initial = Object.keys(to.machine.getInitialSnapshot({} as never, { category: null }).context).sort();
  const problems: string[] = [];
  const refused = new Map<string, string>();
  for (const stored of reached(from, samples)) {
    const path = statePath(stored.value);
    const result = upgrade.map(JSON.parse(JSON.stringify(stored)), answers as Record<string, string>);
    if (!result.ok) {
      refused.set(path, result.reason);
      continue;
    }
    const snapshot: AnyMachineSnapshot = restoreSnapshot(to, result.snapshot);
    const where = `${path} → ${statePath(result.snapshot.value)}`;
    if (JSON.stringify(storeSnapshot(snapshot).value) !== JSON.stringify(result.snapshot.value)) {
      problems.push(`${where}: not a state of version ${upgrade.to}`);
    }
    if (JSON.stringify(Object.keys(snapshot.context).sort()) !== JSON.stringify(initial)) {
      problems.push(`${where}: context fields differ from version ${upgrade.to}'s`);
    }
    if (!isFinal(snapshot) && allowedEvents(to, snapshot).length === 0) problems.push(`${where}: accepts no event`);
  }
  return { problems, refused };
}

describe('moving an open case to the next machine version', () => {
  it('finds the upgrade of each kind from version 1, and none beyond', () => {
    expect(upgradeFrom('dispute', 1)).toBe(disputeV1ToV2);
    expect(upgradeFrom('petition', 1)).toBe(petitionV1ToV2);
    expect(upgradeFrom('petition', 2)).toBeUndefined();
  });

  it('maps every open dispute state to a state of version 2, refusing only an archived case', () => {
    const { problems, refused } = check(disputeV1ToV2, disputeWorkflow, disputeV2Workflow, disputeSampleEvents, {});
    expect(problems).toEqual([]);
    expect([...refused.keys()]).toEqual(['archive.closed']);
  });

  it('maps an agreement to the parties’ window and a pending court request to an application', () => {
    const agreement = { status: 'active', value: { mediation: 'agreement' }, context: { agreementTerms: 'x' } };
    expect(disputeV1ToV2.map(agreement, {})).toMatchObject({
      ok: true,
      snapshot: { value: { mediation: 'agreement' } },
    });
    const court = { status: 'active', value: { mediation: 'judicial_confirmation' }, context: {} };
    expect(disputeV1ToV2.map(court, {})).toMatchObject({
      ok: true,
      snapshot: { value: { mediation: { judicial_confirmation: 'applied' } } },
    });
  });

  it.each([['claim'], ['suggestion'], ['accusation']])(
    'maps every open petition state of class %s, or says why it cannot',
    (petitionType) => {
      const answers = { petitionType };
      const { problems, refused } = check(
        petitionV1ToV2,
        petitionWorkflow,
        petitionV2Workflow,
        petitionSampleEvents,
        answers,
      );
      expect(problems).toEqual([]);
      const open = [...refused.keys()].filter((path) => path !== 'archive.closed');
      if (petitionType === 'claim') expect(open).toEqual([]);
      if (petitionType === 'suggestion') expect(open.every((p) => p.startsWith('escalation.'))).toBe(true);
      if (petitionType === 'accusation') {
        expect(open.length).toBeGreaterThan(0);
        expect(refused.get(open[0]!)).toContain('信访工作条例 art. 30');
      }
    },
  );

  it('keeps the 60 days of a claim being handled, with the class stated and its extension kept', () => {
    const handling = {
      status: 'active',
      value: { mediation: 'handling' },
      context: { extended: true, reviewStage: 'none', handler: { unitCode: 'S-02' } },
    };
    const result = petitionV1ToV2.map(handling, { petitionType: 'claim' });
    expect(result).toMatchObject({
      ok: true,
      snapshot: {
        value: { mediation: 'handling' },
        context: { petitionType: 'claim', extended: true, delivered: false, handler: { unitCode: 'S-02' } },
      },
    });
  });

  it('takes an opinion version 1 issued as delivered, so its review window keeps running', () => {
    const waiting = { status: 'active', value: { escalation: 'awaiting_review_request' }, context: {} };
    expect(petitionV1ToV2.map(waiting, { petitionType: 'claim' })).toMatchObject({
      ok: true,
      snapshot: { context: { delivered: true } },
    });
  });

  it('refuses without the class, naming the choices', () => {
    const registered = { status: 'active', value: { intake: 'registered' }, context: {} };
    expect(petitionV1ToV2.map(registered, {})).toEqual({
      ok: false,
      reason: "State the petition's class (petitionType): one of suggestion, accusation, claim.",
    });
  });
});
