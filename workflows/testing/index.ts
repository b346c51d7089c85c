import type { MachineEvent, MachineWorkflow } from '#domain';
import { referralWorkflows, workflows, type MachineName } from '../index.js';
import {
  disputeSampleEvents,
  disputeV2SampleEvents,
  petitionSampleEvents,
  petitionV2SampleEvents,
  REFERRAL_INPUT,
  referralSampleEvents,
  referralV2SampleEvents,
  TRANSFER_INPUT,
} from './sample-events.js';

export * from './graph-audit.js';
export * from './histories.js';
export * from './sample-events.js';

/** How a machine version is walked: the sample events, and what a new case (or referral) starts from. */
export interface Walk {
  samples: MachineEvent[];
  input: object;
}

/**
 * The walks of each machine version, by machine and version. Most need one; version 2 of the referral machine
 * needs two, a REFER's referral and a transfer (转送), which run through different parts of it.
 */
export const WALKS: Readonly<Record<MachineName, Readonly<Record<number, readonly Walk[]>>>> = {
  dispute: {
    1: [{ samples: disputeSampleEvents, input: { category: null } }],
    2: [{ samples: disputeV2SampleEvents, input: { category: null } }],
  },
  petition: {
    1: [{ samples: petitionSampleEvents, input: { category: null } }],
    2: [{ samples: petitionV2SampleEvents, input: { category: null } }],
  },
  referral: {
    1: [{ samples: referralSampleEvents, input: REFERRAL_INPUT }],
    2: [
      { samples: referralV2SampleEvents, input: REFERRAL_INPUT },
      { samples: referralV2SampleEvents, input: TRANSFER_INPUT },
    ],
  },
};

/** Every version of every machine, in a stable order. */
export function machineVersions(): Array<{ machine: MachineName; version: number; workflow: MachineWorkflow }> {
  const all: Record<MachineName, Record<number, MachineWorkflow>> = { ...workflows, referral: referralWorkflows };
  return (Object.keys(all) as MachineName[]).flatMap((machine) =>
    Object.entries(all[machine]).map(([version, workflow]) => ({ machine, version: Number(version), workflow })),
  );
}
