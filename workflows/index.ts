import type { CaseKind, CaseWorkflow, DeadlineSpec, MachineWorkflow, StateMeta } from '#domain';
import { disputeV2Workflow } from './dispute/dispute-v2.machine.js';
import { disputeWorkflow } from './dispute/dispute.machine.js';
import { petitionV2Workflow } from './petition/petition-v2.machine.js';
import { petitionWorkflow } from './petition/petition.machine.js';
import { referralV2Workflow } from './referral/referral-v2.machine.js';
import { referralWorkflow } from './referral/referral.machine.js';

/**
 * Every machine version that cases may run on, by kind. A case keeps the version it started with, so a
 * version stays here as long as any case uses it. `RELEASED` (releases.ts) says which are frozen.
 */
export const workflows: Record<CaseKind, Record<number, CaseWorkflow>> = {
  dispute: { 1: disputeWorkflow, 2: disputeV2Workflow },
  petition: { 1: petitionWorkflow, 2: petitionV2Workflow },
};

/**
 * The version new cases of each kind start on. Cases keep the version they started on; a deployment may hold a
 * kind back on an older version (`CONCORD_NEW_CASES_START_ON`), and an admin may move an open case forward
 * (`MIGRATE_MACHINE`).
 */
export const NEW_CASES_START_ON: Readonly<Record<CaseKind, number>> = { dispute: 2, petition: 2 };

/** The workflow new cases of `kind` start on, or the one of `version` when a caller names it. */
export function latestWorkflow(kind: CaseKind, version?: number): CaseWorkflow {
  return workflowFor(kind, version ?? NEW_CASES_START_ON[kind]);
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

/** Every referral machine version that referrals may run on; a referral keeps the version it was issued on. */
export const referralWorkflows: Record<number, MachineWorkflow> = { 1: referralWorkflow, 2: referralV2Workflow };

/** The referral machine a case's referrals are issued on: the one its own machine version names. */
export const referralWorkflowOf = (workflow: CaseWorkflow): MachineWorkflow =>
  referralWorkflowFor(workflow.referralVersion ?? 1);

export const latestReferralWorkflow = (): MachineWorkflow =>
  referralWorkflows[Math.max(...Object.keys(referralWorkflows).map(Number))]!;

export function referralWorkflowFor(version: number): MachineWorkflow {
  const workflow = referralWorkflows[version];
  if (!workflow) throw new Error(`No referral workflow has version ${String(version)}.`);
  return workflow;
}

export { disputeWorkflow, petitionWorkflow, referralWorkflow };
export { DISPUTE_DEADLINES, type DisputeContext } from './dispute/dispute.machine.js';
export { PETITION_DEADLINES, type PetitionContext } from './petition/petition.machine.js';
export { REFERRAL_DEADLINES, referralsIssued, type ReferralContext } from './referral/referral.machine.js';
export { REFERRAL_V2_DEADLINES } from './referral/referral-v2.machine.js';

/** Every clock any machine version declares, by key (the policies admins may override). */
export function clockSpecs(): Map<string, DeadlineSpec> {
  const out = new Map<string, DeadlineSpec>();
  const visit = (node: { meta?: StateMeta; states: Record<string, unknown> }) => {
    if (node.meta?.deadline) out.set(node.meta.deadline.key, node.meta.deadline);
    for (const child of Object.values(node.states)) visit(child as typeof node);
  };
  const all: MachineWorkflow[] = [
    ...Object.values(workflows).flatMap((v) => Object.values(v)),
    ...Object.values(referralWorkflows),
  ];
  for (const w of all) visit(w.machine.root as never);
  return out;
}
export * from './runtime/machine-runtime.js';
export * from './runtime/decide.js';
export * from './runtime/machine-model.js';
export * from './releases.js';
export * from './upgrades/upgrades.js';
export * from './upgrades/migrate.js';
