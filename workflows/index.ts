import type { CaseKind, CaseWorkflow } from '../libs/domain/src/index.js';
import { disputeWorkflow } from './dispute/dispute.machine.js';
import { petitionWorkflow } from './petition/petition.machine.js';

/**
 * Every machine version that cases may run on, by kind. A case keeps the version it started with, so a
 * version stays here as long as any case uses it; new cases start on the highest.
 */
export const workflows: Record<CaseKind, Record<number, CaseWorkflow>> = {
  dispute: { 1: disputeWorkflow },
  petition: { 1: petitionWorkflow },
};

/** The workflow new cases of `kind` start on. */
export function latestWorkflow(kind: CaseKind): CaseWorkflow {
  const versions = versionsOf(kind);
  return versions[Math.max(...Object.keys(versions).map(Number))]!;
}

/** The workflow a case of `kind` recorded as `version` runs on. */
export function workflowFor(kind: CaseKind, version: number): CaseWorkflow {
  const workflow = versionsOf(kind)[version];
  if (!workflow) {
    const known = Object.keys(versionsOf(kind)).join(', ');
    throw new Error(`No ${kind} workflow has version ${String(version)} (known versions: ${known}).`);
  }
  return workflow;
}

function versionsOf(kind: CaseKind): Record<number, CaseWorkflow> {
  if (!Object.hasOwn(workflows, kind)) {
    throw new Error(`Unknown case kind ${JSON.stringify(kind)} (known kinds: ${Object.keys(workflows).join(', ')}).`);
  }
  return workflows[kind];
}

export { disputeWorkflow, petitionWorkflow };
