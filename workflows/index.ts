import type { CaseKind, CaseWorkflow, DeadlineSpec, StateMeta } from '../libs/domain/src/index.js';
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

/** Every clock any machine version declares, by key (the policies admins may override). */
export function clockSpecs(): Map<string, DeadlineSpec> {
  const out = new Map<string, DeadlineSpec>();
  const visit = (node: { meta?: StateMeta; states: Record<string, unknown> }) => {
    if (node.meta?.deadline) out.set(node.meta.deadline.key, node.meta.deadline);
    for (const child of Object.values(node.states)) visit(child as typeof node);
  };
  for (const versions of Object.values(workflows)) for (const w of Object.values(versions)) visit(w.machine.root as never);
  return out;
}
