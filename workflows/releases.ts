/** The machines Concord versions: the two case kinds and the referral machine. */
export type MachineName = 'dispute' | 'petition' | 'referral';

/**
 * The released versions of each machine. A released version is frozen: cases run on it for as long as they
 * last, so neither its definition nor its behaviour may change in place. `workflows/releases/<machine>-v<n>.json`
 * holds both (the definition, and event histories with the snapshots they produced), written once by
 * `npm run releases` and compared by a test. A version not listed here is still being built and may change
 * until it is released.
 */
export const RELEASED: Readonly<Record<MachineName, readonly number[]>> = {
  dispute: [1, 2],
  petition: [1, 2],
  referral: [1, 2],
};

export const isReleased = (machine: MachineName, version: number): boolean => RELEASED[machine].includes(version);
