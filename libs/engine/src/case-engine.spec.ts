import { ManualClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import type { PartyVault } from '#parties';
import type { Database } from '#persistence';
import { CaseEngine } from './case-engine.js';

describe('CaseEngine start-up', () => {
  const make = (startOn: Record<string, number>) =>
    new CaseEngine({} as Database, new ManualClock(), {} as PartyVault, new DeadlineBook(), startOn);

  it('starts with the machine versions a deployment holds new cases on', () => {
    expect(() => make({})).not.toThrow();
    expect(() => make({ petition: 1, dispute: 2 })).not.toThrow();
  });

  it('refuses a kind or a version it does not have, naming what it has', () => {
    expect(() => make({ petition: 9 })).toThrow('No petition workflow has version 9 (known versions: 1, 2).');
    expect(() => make({ lawsuit: 1 })).toThrow('Unknown case kind "lawsuit"');
  });
});
