import type { MachineEvent, MachineWorkflow } from '#domain';
import { referralWorkflows, workflows, type MachineName } from '../index.js';
import { disputeSampleEvents, petitionSampleEvents, REFERRAL_INPUT, referralSampleEvents } from './sample-events.js';

export * from './graph-audit.js';
export * from './histories.js';
export * from './sample-events.js';

/** How each machine is walked: the sample events and what a new case (or referral) starts from. */
export const WALKS: Readonly<Record<MachineName, { samples: MachineEvent[]; input: object }>> = {
  dispute: { samples: disputeSampleEvents, input: { category: null } },
  petition: { samples: petitionSampleEvents, input: { category: null } },
  referral: { samples: referralSampleEvents, input: REFERRAL_INPUT },
};

/** Every version of every machine, in a stable order. */
export function machineVersions(): Array<{ machine: MachineName; version: number; workflow: MachineWorkflow }> {
  const all: Record<MachineName, Record<number, MachineWorkflow>> = { ...workflows, referral: referralWorkflows };
  return (Object.keys(all) as MachineName[]).flatMap((machine) =>
    Object.entries(all[machine]).map(([version, workflow]) => ({ machine, version: Number(version), workflow })),
  );
}
