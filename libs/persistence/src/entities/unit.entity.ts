import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** An administrative unit (district, street, community, grid); `path` lists its ancestors' codes and its own. */
@Entity('units')
@Check('units_level_check', `level IN ('district', 'street', 'community', 'grid')`)
@Check('units_path_check', `path LIKE '/%/'`)
// text_pattern_ops serves `path LIKE '/a/b/%'`: an operator class TypeORM cannot declare.
@Index('units_path_idx', { synchronize: false })
export class UnitEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'units_pkey' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  level!: string;

  @Column({ name: 'parent_code', type: 'text', nullable: true })
  @ForeignKey(() => UnitEntity, { name: 'units_parent_fk' })
  parentCode!: string | null;

  @Column({ type: 'text' })
  path!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the unit was retired: it takes no new case or child unit from then on, and stays readable. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
