import { Foundation1764000000000 } from './1764000000000-Foundation.js';
import { Deadlines1764100000000 } from './1764100000000-Deadlines.js';
import { Referrals1764200000000 } from './1764200000000-Referrals.js';
import { Audit1764300000000 } from './1764300000000-Audit.js';
import { Scale1764400000000 } from './1764400000000-Scale.js';
import { ApiKeys1764500000000 } from './1764500000000-ApiKeys.js';
import { IdempotencyAtRest1764510000000 } from './1764510000000-IdempotencyAtRest.js';
import { CalendarYears1764520000000 } from './1764520000000-CalendarYears.js';
import { RequestIds1764600000000 } from './1764600000000-RequestIds.js';
import { ClockEndings1764700000000 } from './1764700000000-ClockEndings.js';
import { HourClocks1764710000000 } from './1764710000000-HourClocks.js';
import { ReferralDueAt1764720000000 } from './1764720000000-ReferralDueAt.js';
import { ReferralTransfers1764730000000 } from './1764730000000-ReferralTransfers.js';
import { DepartmentFunctions1764740000000 } from './1764740000000-DepartmentFunctions.js';
import { PartyRepresentatives1764750000000 } from './1764750000000-PartyRepresentatives.js';
import { ConfidentialCases1764760000000 } from './1764760000000-ConfidentialCases.js';
import { DeliveriesWithoutReferral1764770000000 } from './1764770000000-DeliveriesWithoutReferral.js';
import { People1764780000000 } from './1764780000000-People.js';
import { DirectoryUpkeep1764790000000 } from './1764790000000-DirectoryUpkeep.js';
import { Assignment1764800000000 } from './1764800000000-Assignment.js';
import { Notices1764810000000 } from './1764810000000-Notices.js';
import { OidcLogins1764820000000 } from './1764820000000-OidcLogins.js';
import { WorkQueues1764830000000 } from './1764830000000-WorkQueues.js';

/** Every migration, oldest first. The schema comes from these alone (never `synchronize`). */
export const migrations = [
  Foundation1764000000000,
  Deadlines1764100000000,
  Referrals1764200000000,
  Audit1764300000000,
  Scale1764400000000,
  ApiKeys1764500000000,
  IdempotencyAtRest1764510000000,
  CalendarYears1764520000000,
  RequestIds1764600000000,
  ClockEndings1764700000000,
  HourClocks1764710000000,
  ReferralDueAt1764720000000,
  ReferralTransfers1764730000000,
  DepartmentFunctions1764740000000,
  PartyRepresentatives1764750000000,
  ConfidentialCases1764760000000,
  DeliveriesWithoutReferral1764770000000,
  People1764780000000,
  DirectoryUpkeep1764790000000,
  Assignment1764800000000,
  Notices1764810000000,
  OidcLogins1764820000000,
  WorkQueues1764830000000,
];
