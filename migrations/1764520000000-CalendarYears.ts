import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A year's holiday schedule recorded in one step, for a year the shipped data (chinese-days) does not cover
 * yet, and the record of every change to the working-day calendar.
 *
 * `calendar_years` holds each imported year's current schedule: the notice it comes from, its holidays and
 * make-up working days (each `[{date, name}]`), and who recorded it when. It wins over the shipped data of that
 * year; overrides still win over it.
 *
 * `calendar_changes` is append-only (a trigger refuses UPDATE and DELETE), one row per change: a year imported
 * or replaced, an override set or removed. `detail` says what changed (the schedule or override before and
 * after), `changed_dates` the dates whose working status changed: the pending clocks whose span touches them are
 * recomputed, and their new derivation names the row.
 */
export class CalendarYears1764520000000 implements MigrationInterface {
  name = 'CalendarYears1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_changes (
        id            uuid PRIMARY KEY,
        kind          text NOT NULL,
        year          integer NOT NULL,
        day           date,
        summary       text NOT NULL,
        detail        jsonb NOT NULL,
        changed_dates date[] NOT NULL,
        recorded_by   uuid NOT NULL,
        recorded_at   timestamptz NOT NULL,
        CONSTRAINT calendar_changes_kind_check CHECK (kind IN ('year_imported', 'year_replaced', 'override_set', 'override_removed')),
        CONSTRAINT calendar_changes_day_check CHECK ((kind IN ('override_set', 'override_removed')) = (day IS NOT NULL)),
        CONSTRAINT calendar_changes_year_check CHECK (year BETWEEN 1950 AND 2199)
      )`);
    await q.query(`CREATE INDEX calendar_changes_year_idx ON calendar_changes (year, recorded_at)`);
    await q.query(`
      CREATE FUNCTION calendar_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'calendar_changes is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER calendar_changes_append_only BEFORE UPDATE OR DELETE ON calendar_changes
      FOR EACH ROW EXECUTE FUNCTION calendar_changes_append_only()`);

    await q.query(`
      CREATE TABLE calendar_years (
        year        integer PRIMARY KEY,
        source      text NOT NULL,
        holidays    jsonb NOT NULL,
        workdays    jsonb NOT NULL,
        change_id   uuid NOT NULL,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT calendar_years_change_fk FOREIGN KEY (change_id) REFERENCES calendar_changes (id),
        CONSTRAINT calendar_years_year_check CHECK (year BETWEEN 1950 AND 2199),
        CONSTRAINT calendar_years_holidays_check CHECK (jsonb_typeof(holidays) = 'array'),
        CONSTRAINT calendar_years_workdays_check CHECK (jsonb_typeof(workdays) = 'array')
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_years`);
    await q.query(`DROP TABLE calendar_changes`);
    await q.query(`DROP FUNCTION calendar_changes_append_only()`);
  }
}
