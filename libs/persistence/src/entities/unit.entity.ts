import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { UnitLevel } from '../../../domain/src/index.js';

@Entity('units')
export class UnitEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  level!: UnitLevel;

  @Column({ type: 'text', name: 'parent_code', nullable: true })
  parentCode!: string | null;

  /** `/<district>/<street>/…/<code>/`: a unit's scope is every unit whose path starts with its own. */
  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
