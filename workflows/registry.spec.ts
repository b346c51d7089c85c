import { disputeV2Workflow } from './dispute/dispute-v2.machine.js';
import { disputeWorkflow } from './dispute/dispute.machine.js';
import { latestWorkflow, NEW_CASES_START_ON, workflowFor, workflows } from './index.js';
import { petitionV2Workflow } from './petition/petition-v2.machine.js';
import { petitionWorkflow } from './petition/petition.machine.js';
import { isReleased } from './releases.js';

describe('workflow registry', () => {
  it('finds every workflow by kind and version, and refuses unknown ones', () => {
    expect(workflowFor('dispute', 1)).toBe(disputeWorkflow);
    expect(workflowFor('dispute', 2)).toBe(disputeV2Workflow);
    expect(workflowFor('petition', 1)).toBe(petitionWorkflow);
    expect(workflowFor('petition', 2)).toBe(petitionV2Workflow);
    for (const [kind, versions] of Object.entries(workflows)) {
      for (const [version, workflow] of Object.entries(versions)) {
        expect({ kind, version: workflow.version }).toEqual({ kind, version: Number(version) });
      }
    }
    expect(() => workflowFor('dispute', 3)).toThrow('No dispute workflow has version 3');
    expect(() => workflowFor('petition', 0)).toThrow('No petition workflow has version 0');
    expect(() => workflowFor('lawsuit' as never, 1)).toThrow('Unknown case kind "lawsuit"');
  });

  it('starts new cases on version 2 of both kinds, and on an older version only when a caller names it', () => {
    expect(NEW_CASES_START_ON).toEqual({ dispute: 2, petition: 2 });
    expect(latestWorkflow('dispute')).toBe(disputeV2Workflow);
    expect(latestWorkflow('petition')).toBe(petitionV2Workflow);
    expect(latestWorkflow('dispute', 1)).toBe(disputeWorkflow);
    expect(latestWorkflow('petition', 1)).toBe(petitionWorkflow);
  });

  it('has released (frozen) versions 1 and 2, version 2 with the people events in it', () => {
    for (const machine of ['dispute', 'petition', 'referral'] as const)
      expect([isReleased(machine, 1), isReleased(machine, 2), isReleased(machine, 3)]).toEqual([true, true, false]);
    for (const kind of ['dispute', 'petition'] as const)
      expect(Object.keys(workflowFor(kind, 2).events)).toEqual(
        expect.arrayContaining(['CLAIM', 'ASSIGN', 'UNASSIGN', 'TAKE_CHARGE', 'RECUSE']),
      );
  });
});
