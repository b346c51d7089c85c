import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CLOCK_UNITS, type ClockUnit } from '#domain';
import {
  CLOCK_STATUSES,
  WARNING_STATUSES,
  type ClockStatus,
  type WarningStatus,
  type CalendarChange,
  type ClockDefault,
  type DayInfo,
  type DeadlineListItem,
  type DeadlinePolicy,
  type DeadlineView,
  type StoredOverride,
  type YearCoverage,
  type YearSummary,
  type YearView,
} from '#deadlines';
import { pageOf } from '../../common/api-docs.js';

// The answers of the deadline and calendar routes, as libs/deadlines builds them.

const COVERAGE = ['official', 'imported', 'missing'] as const;
const OVERRIDE_KINDS = ['holiday', 'workday'] as const;

@ApiSchema({ name: 'DeadlineWarning', description: 'A warning a clock sends at a fraction of its limit.' })
export class DeadlineWarningDto {
  @ApiProperty({ type: 'integer', example: 50, description: 'The percentage of the limit.' })
  percent!: number;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ enum: WARNING_STATUSES, description: 'As its clock, but `sent` where the clock breached.' })
  status!: WarningStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt!: string | null;
}

@ApiSchema({
  name: 'DeadlineStatute',
  description: 'The statute that sets a clock’s limit: the most a deadline policy may allow.',
})
export class DeadlineStatuteDto {
  @ApiProperty({ example: '信访工作条例 art. 34', description: 'The statute and article.' })
  source!: string;

  @ApiProperty({ type: 'integer', example: 60 })
  amount!: number;

  @ApiProperty({ enum: CLOCK_UNITS })
  unit!: ClockUnit;
}

@ApiSchema({
  name: 'Deadline',
  description: 'A clock of a case or referral: when it is due, whether it breached, its warnings, and why.',
})
export class DeadlineViewDto implements DeadlineView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'dispute.mediation', description: 'The clock key (GET /deadline-policies).' })
  key!: string;

  @ApiProperty({ example: 'mediation.assigned', description: 'The state that armed it.' })
  state!: string;

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({
    enum: CLOCK_STATUSES,
    description:
      'met: its state was left in time; lapsed: left after its due time, before the breach fired; cancelled: the ' +
      'case was withdrawn or merged, or the referral cancelled; superseded: extended or resumed (a successor ' +
      'follows); paused: stopped by the machine, its due time moves when it runs again.',
  })
  status!: ClockStatus;

  @ApiProperty({
    description: 'Still belongs to the current state (not left, not superseded); a paused clock is open.',
  })
  open!: boolean;

  @ApiProperty({ description: 'Running (not paused) and past its due time.' })
  overdue!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  breachedAt!: string | null;

  @ApiProperty({ type: [DeadlineWarningDto] })
  warnings!: DeadlineWarningDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'How the due time was computed: the rule, the limit and the calendar it was counted on.',
  })
  derivation!: Record<string, unknown>;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    description:
      'Years the running clock’s span reaches that no holiday schedule covers now: its due time counts only ' +
      'weekends as rest days there, and may be wrong until the year is imported. Empty once the clock ended.',
  })
  uncoveredYears!: number[];

  @ApiProperty({
    type: DeadlineStatuteDto,
    nullable: true,
    description:
      'The statute and article that set this clock’s limit, or null where none does and the limit is the ' +
      'machine’s default or a deployment’s policy.',
  })
  statute!: DeadlineStatuteDto | null;
}

@ApiSchema({ name: 'DeadlineListItem', description: 'An open clock, with its case.' })
export class DeadlineListItemDto implements DeadlineListItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ example: 'DSP-2026-000123' })
  reference!: string;

  @ApiProperty({ enum: ['dispute', 'petition'] })
  kind!: string;

  @ApiProperty({ example: 'mediation.assigned' })
  caseState!: string;

  @ApiProperty()
  unitCode!: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Set when the clock is a referral’s (its acknowledgement or reply); `state` is then the referral’s.',
  })
  referralId!: string | null;

  @ApiProperty({ example: 'dispute.mediation' })
  key!: string;

  @ApiProperty({ description: 'The state that armed it.' })
  state!: string;

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ enum: ['pending', 'paused', 'breached'], description: 'paused: stopped by the machine, not due.' })
  status!: 'pending' | 'paused' | 'breached';

  @ApiProperty()
  overdue!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  breachedAt!: string | null;

  @ApiProperty({ type: 'integer', isArray: true, description: 'As on Deadline.' })
  uncoveredYears!: number[];
}

export const DeadlinePage = pageOf(DeadlineListItemDto, 'DeadlinePage');

@ApiSchema({ name: 'CalendarDay', description: 'Whether a China date is a working day, and what decided it.' })
export class DayInfoDto implements DayInfo {
  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty()
  workday!: boolean;

  @ApiProperty({
    enum: ['workday', 'weekend', 'holiday', 'makeup_workday'],
    description: 'makeup_workday: a working day on what would otherwise be a rest day (调休上班).',
  })
  kind!: 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

  @ApiProperty({ type: String, nullable: true, example: '春节', description: 'The holiday’s or override’s name.' })
  name!: string | null;

  @ApiProperty({
    enum: ['override', 'imported', 'official', 'weekday'],
    description: 'imported: from a year’s schedule an admin recorded (PUT /calendar/years/{year}).',
  })
  source!: 'override' | 'imported' | 'official' | 'weekday';
}

@ApiSchema({ name: 'CalendarDays' })
export class CalendarDaysDto {
  @ApiProperty({ type: [DayInfoDto] })
  days!: DayInfoDto[];

  @ApiProperty({ type: 'integer', isArray: true, description: 'The years that have a holiday schedule.' })
  coveredYears!: number[];
}

@ApiSchema({ name: 'CalendarOverride', description: 'A per-deployment correction to the schedule; it beats it.' })
export class StoredOverrideDto implements StoredOverride {
  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty({ enum: OVERRIDE_KINDS })
  kind!: 'holiday' | 'workday';

  @ApiProperty({ example: '防汛停工日' })
  name!: string;

  @ApiProperty({ description: 'The principal id of the admin who set it.' })
  createdBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({
  name: 'CalendarYear',
  description: 'A year of the working-day calendar, and where its holidays come from.',
})
export class YearSummaryDto implements YearSummary {
  @ApiProperty({ type: 'integer', example: 2027 })
  year!: number;

  @ApiProperty({ enum: COVERAGE, description: 'official: shipped data; imported: recorded by an admin; missing.' })
  coverage!: YearCoverage;

  @ApiProperty({ type: String, nullable: true, description: 'The notice, or the shipped data’s name.' })
  source!: string | null;

  @ApiProperty({ type: String, nullable: true })
  recordedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  recordedAt!: string | null;
}

@ApiSchema({ name: 'CalendarYears' })
export class CalendarYearsDto {
  @ApiProperty({ type: 'integer', description: 'The current year in China.' })
  currentYear!: number;

  @ApiProperty({ type: [YearSummaryDto] })
  years!: YearSummaryDto[];

  @ApiProperty({ type: [String], description: 'What to do about a missing current or next year.' })
  warnings!: string[];
}

@ApiSchema({ name: 'CalendarChange', description: 'One recorded change to the working-day calendar.' })
export class CalendarChangeDto implements CalendarChange {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['year_imported', 'year_replaced', 'override_set', 'override_removed'] })
  kind!: 'year_imported' | 'year_replaced' | 'override_set' | 'override_removed';

  @ApiProperty({ type: 'integer' })
  year!: number;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The override’s date.' })
  date!: string | null;

  @ApiProperty()
  summary!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  detail!: Record<string, unknown>;

  @ApiProperty({
    type: [String],
    description: 'Dates whose working status changed: the pending clocks whose span touches them are recomputed.',
  })
  changedDates!: string[];

  @ApiProperty()
  recordedBy!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
}

@ApiSchema({ name: 'ScheduledDay' })
export class ScheduledDayDto {
  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty({ example: '春节' })
  name!: string;
}

@ApiSchema({ name: 'YearOverride' })
export class YearOverrideDto {
  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty({ enum: OVERRIDE_KINDS })
  kind!: 'holiday' | 'workday';

  @ApiProperty()
  name!: string;
}

@ApiSchema({
  name: 'CalendarYearSchedule',
  description: 'One year’s schedule as Concord uses it, the overrides inside it, and every recorded change to it.',
})
export class YearViewDto extends YearSummaryDto implements YearView {
  @ApiProperty({ type: [ScheduledDayDto] })
  holidays!: ScheduledDayDto[];

  @ApiProperty({ type: [ScheduledDayDto], description: 'Make-up working days (调休上班).' })
  workdays!: ScheduledDayDto[];

  @ApiProperty({ type: [YearOverrideDto], description: 'This deployment’s overrides in the year.' })
  overrides!: YearOverrideDto[];

  @ApiProperty({ type: [CalendarChangeDto], description: 'Oldest first.' })
  changes!: CalendarChangeDto[];
}

@ApiSchema({ name: 'CalendarYearImported' })
export class YearImportedDto extends YearViewDto {
  @ApiProperty({
    type: CalendarChangeDto,
    nullable: true,
    description: 'The change recorded; null when the schedule was already this one.',
  })
  change!: CalendarChangeDto | null;
}

@ApiSchema({ name: 'ClockDefault', description: 'A clock as the machines declare it.' })
export class ClockDefaultDto implements ClockDefault {
  @ApiProperty({ example: 'dispute.mediation' })
  key!: string;

  @ApiProperty({ type: 'integer' })
  amount!: number;

  @ApiProperty({ enum: CLOCK_UNITS })
  unit!: ClockUnit;

  @ApiProperty({ type: 'number', isArray: true, example: [0.5, 0.8], description: 'Warning fractions.' })
  warnAt!: number[];

  @ApiProperty({ description: 'What happens on breach.' })
  onBreach!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The statute that sets this limit, if any: a policy may not go below it.',
  })
  statutory!: string | null;
}

@ApiSchema({ name: 'DeadlinePolicy', description: 'A limit that overrides a clock’s default for a category or unit.' })
export class DeadlinePolicyViewDto implements DeadlinePolicy {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'dispute.mediation' })
  key!: string;

  @ApiProperty({ type: String, nullable: true })
  category!: string | null;

  @ApiProperty({ type: String, nullable: true })
  unitCode!: string | null;

  @ApiProperty({ type: 'integer' })
  amount!: number;

  @ApiProperty({ enum: CLOCK_UNITS })
  unit!: ClockUnit;

  @ApiProperty()
  createdBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'DeadlinePolicies' })
export class DeadlinePoliciesDto {
  @ApiProperty({ type: [ClockDefaultDto] })
  defaults!: ClockDefaultDto[];

  @ApiProperty({ type: [DeadlinePolicyViewDto], description: 'Those within the reader’s scope.' })
  policies!: DeadlinePolicyViewDto[];
}
