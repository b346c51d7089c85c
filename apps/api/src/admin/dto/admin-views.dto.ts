import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '#auth';
import { DEPARTMENT_FUNCTIONS, ROLES, UNIT_LEVELS, type DepartmentFunction, type Role, type UnitLevel } from '#domain';
import { DELIVERY_STATUSES, type DeliveryStatus, type DeliveryView } from '#referrals';
import { pageOf } from '../../common/api-docs.js';

// The answers of the administration routes: libs/directory, libs/auth (keys) and libs/referrals (deliveries).

@ApiSchema({ name: 'Unit', description: 'A unit of the hierarchy 区/县 → 街道/乡镇 → 社区/村 → 网格.' })
export class UnitDto {
  @ApiProperty({ example: 'XC-XH-01' })
  code!: string;

  @ApiProperty({ example: '新华社区' })
  name!: string;

  @ApiProperty({ enum: UNIT_LEVELS })
  level!: UnitLevel;

  @ApiProperty({ type: String, nullable: true, description: 'The unit one level up; null for a district.' })
  parentCode!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the unit was retired (it takes no new case or child unit); null while in service.',
  })
  retiredAt!: string | null;
}

@ApiSchema({ name: 'Department', description: 'A department (职能部门) with its responsibility list (权责清单).' })
export class DepartmentDto {
  @ApiProperty({ example: 'JUSTICE' })
  code!: string;

  @ApiProperty({ example: '司法所' })
  name!: string;

  @ApiProperty({ type: [String], example: ['neighbour', 'family'], description: 'The categories it accepts.' })
  categories!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where referral events are POSTed; shown to admins of every unit only, null for everyone else.',
  })
  webhookUrl!: string | null;

  @ApiProperty({
    enum: DEPARTMENT_FUNCTIONS,
    nullable: true,
    description: 'discipline_inspection for the body accusations are handed to (纪检监察); null for the others.',
  })
  function!: DepartmentFunction | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({
  name: 'UpdatedDepartment',
  description: 'A department just changed: the only answer that shows a rotated webhook secret.',
})
export class UpdatedDepartmentDto extends DepartmentDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The new webhook secret when this request rotated it: keep it, it is never shown again. Else null.',
  })
  webhookSecret!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until when the previous secret signs next to the new one (the overlap window); null outside one.',
  })
  previousSecretValidUntil!: string | null;
}

export const UnitPage = pageOf(UnitDto, 'UnitPage');
export const DepartmentPage = pageOf(DepartmentDto, 'DepartmentPage');

@ApiSchema({ name: 'ApiKey', description: 'A key as admins list it: never the secret or its hash.' })
export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid', description: 'Also the id of the key’s principal (an event’s actor id).' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ type: String, nullable: true, description: 'The unit whose subtree the key sees; null: all.' })
  unitCode!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The department of a department key.' })
  departmentCode!: string | null;

  @ApiProperty({ example: 'ck_intake_3fQ', description: 'The first characters of the key, to tell keys apart.' })
  keyPrefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The creating admin’s id; null for the bootstrap key.' })
  createdBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

export const ApiKeyPage = pageOf(ApiKeyViewDto, 'ApiKeyPage');

@ApiSchema({ name: 'CreatedApiKey', description: 'A key just made: the only answer that shows its secret.' })
export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ck_intake_3fQ…', description: 'The secret: keep it, it is never shown again.' })
  key!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  unitCode!: string | null;

  @ApiProperty({ type: String, nullable: true })
  departmentCode!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;
}

@ApiSchema({ name: 'ReplacedApiKey', description: 'The key a rotation replaced, and when it stops working.' })
export class ReplacedApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set when revoked at once.' })
  revokedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'With an overlap: when it expires.',
  })
  expiresAt!: string | null;
}

@ApiSchema({ name: 'RotatedApiKey' })
export class RotatedApiKeyDto extends CreatedApiKeyDto {
  @ApiProperty({ type: ReplacedApiKeyDto })
  replaced!: ReplacedApiKeyDto;
}

@ApiSchema({ name: 'Delivery', description: 'A webhook delivery of a referral event: never the department’s secret.' })
export class DeliveryViewDto implements DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also the CloudEvent `id`: the same for every attempt and replay.' })
  id!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "Null for a court-delegated case's report to its court, which no referral asked for.",
  })
  referralId!: string | null;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty()
  departmentCode!: string;

  @ApiProperty({ type: 'integer', description: 'The event’s sequence number in the case’s history.' })
  seq!: number;

  @ApiProperty({ example: 'cn.concord.referral.issued', description: 'The CloudEvent `type`.' })
  type!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'dead: out of attempts (the dead-letter list).' })
  status!: DeliveryStatus;

  @ApiProperty({ type: 'integer', description: 'Attempts of the current generation.' })
  attempts!: number;

  @ApiProperty({ type: 'integer', description: 'How many times an admin replayed it.' })
  generation!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The HTTP status of the last attempt.' })
  lastStatus!: number | null;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAttemptAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deadAt!: string | null;
}

export const DeliveryPage = pageOf(DeliveryViewDto, 'DeliveryPage');

@ApiSchema({ name: 'DeliveryWithBody' })
export class DeliveryWithBodyDto extends DeliveryViewDto {
  @ApiProperty({ description: 'The exact CloudEvent JSON it sends (and signs).' })
  body!: string;
}

@ApiSchema({ name: 'ReplayedDeliveries' })
export class ReplayedDto {
  @ApiProperty({ type: 'integer', description: 'How many dead deliveries were set going again.' })
  replayed!: number;
}
