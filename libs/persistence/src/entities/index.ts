import { ApiKeyUsageEntity } from './api-key-usage.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { AuditAccessLogEntity } from './audit-access-log.entity.js';
import { AuditAnchorEntity } from './audit-anchor.entity.js';
import { CalendarChangeEntity } from './calendar-change.entity.js';
import { CalendarOverrideEntity } from './calendar-override.entity.js';
import { CalendarYearEntity } from './calendar-year.entity.js';
import { CaseEventDepartmentEntity } from './case-event-department.entity.js';
import { CaseEventEntity } from './case-event.entity.js';
import { CaseLinkEntity } from './case-link.entity.js';
import { CaseEntity } from './case.entity.js';
import { DeadlinePolicyEntity } from './deadline-policy.entity.js';
import { DeadlineEntity } from './deadline.entity.js';
import { DeliveryEntity } from './delivery.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';
import { OidcLoginEntity } from './oidc-login.entity.js';
import { NoticeEntity } from './notice.entity.js';
import { OutboxMessageEntity } from './outbox-message.entity.js';
import { PartyEntity } from './party.entity.js';
import { ReferralEntity } from './referral.entity.js';
import { SecurityLogEntity } from './security-log.entity.js';
import { SignInFailureEntity } from './sign-in-failure.entity.js';
import { UnitEntity } from './unit.entity.js';
import { UserSessionEntity } from './user-session.entity.js';
import { UserEntity } from './user.entity.js';

export {
  ApiKeyEntity,
  ApiKeyUsageEntity,
  AuditAccessLogEntity,
  AuditAnchorEntity,
  CalendarChangeEntity,
  CalendarOverrideEntity,
  CalendarYearEntity,
  CaseEntity,
  CaseEventDepartmentEntity,
  CaseEventEntity,
  CaseLinkEntity,
  DeadlineEntity,
  DeadlinePolicyEntity,
  DeliveryEntity,
  DepartmentEntity,
  IdempotencyKeyEntity,
  OidcLoginEntity,
  NoticeEntity,
  OutboxMessageEntity,
  PartyEntity,
  ReferralEntity,
  SecurityLogEntity,
  SignInFailureEntity,
  UnitEntity,
  UserEntity,
  UserSessionEntity,
};

/**
 * Every table the migrations create, mapped; the DataSource registers these. They describe the schema the
 * migrations make and never make it: `synchronize` stays off, and entities.spec.ts checks the two agree.
 */
export const entities = [
  UnitEntity,
  DepartmentEntity,
  ApiKeyEntity,
  ApiKeyUsageEntity,
  SecurityLogEntity,
  CaseEntity,
  PartyEntity,
  CaseEventEntity,
  CaseLinkEntity,
  CaseEventDepartmentEntity,
  OutboxMessageEntity,
  IdempotencyKeyEntity,
  CalendarOverrideEntity,
  CalendarChangeEntity,
  CalendarYearEntity,
  DeadlinePolicyEntity,
  DeadlineEntity,
  ReferralEntity,
  DeliveryEntity,
  AuditAccessLogEntity,
  AuditAnchorEntity,
  UserEntity,
  UserSessionEntity,
  SignInFailureEntity,
  OidcLoginEntity,
  NoticeEntity,
];
