import { Entity, PrimaryColumn } from 'typeorm';

/** Each case event listed under a department it concerns, in the audit's order; append-only. */
@Entity('case_event_departments')
export class CaseEventDepartmentEntity {
  @PrimaryColumn({ name: 'department_code', type: 'text', primaryKeyConstraintName: 'case_event_departments_pkey' })
  departmentCode!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'case_event_departments_pkey' })
  at!: Date;

  @PrimaryColumn({ name: 'case_id', type: 'uuid', primaryKeyConstraintName: 'case_event_departments_pkey' })
  caseId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'case_event_departments_pkey' })
  seq!: number;
}
