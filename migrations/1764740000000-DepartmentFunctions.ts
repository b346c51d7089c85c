import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `departments.function`: what a department is beyond its responsibility list. Today one value,
 * `discipline_inspection`, the discipline-inspection and supervision body (纪检监察) that alone receives an
 * accusation (信访工作条例 art. 30).
 *
 * At most one department per deployment has a given function (`departments_function_key`; NULLs do not collide).
 * Departments belong to no unit: they serve the whole deployment and only an unscoped admin creates them, so
 * "one per unit subtree" would have nothing to hang on. One body per deployment is also what the engine needs to
 * hand an accusation over without asking the clerk to choose (and possibly choose the accused department).
 */
export class DepartmentFunctions1764740000000 implements MigrationInterface {
  name = 'DepartmentFunctions1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE departments
        ADD COLUMN function text,
        ADD CONSTRAINT departments_function_check CHECK (function IN ('discipline_inspection')),
        ADD CONSTRAINT departments_function_key UNIQUE (function)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE departments DROP COLUMN function`);
  }
}
