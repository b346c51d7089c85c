/** A deadline row as `json_agg` hands it back. */
export interface DeadlineJsonRow {
  id: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  clock_id: string;
  state: string;
  starts_at: string;
  due_at: string;
  status: 'pending' | 'fired' | 'cancelled' | 'superseded';
  derivation: Record<string, unknown>;
  fired_at: string | null;
  ended_at: string | null;
}

/** A clock as a case answer lists it: when it is due, whether it breached, its warnings, and why it falls when it does. */
export interface DeadlineView {
  id: string;
  key: string;
  /** The state that armed it. */
  state: string;
  startsAt: string;
  dueAt: string;
  status: 'pending' | 'breached' | 'cancelled' | 'superseded';
  /** Still running for the case's current state (not left, not superseded). */
  open: boolean;
  overdue: boolean;
  breachedAt: string | null;
  warnings: Array<{ percent: number; at: string; status: 'pending' | 'sent' | 'cancelled' | 'superseded'; sentAt: string | null }>;
  derivation: Record<string, unknown>;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

export function toDeadlineViews(rows: DeadlineJsonRow[], now: Date): DeadlineView[] {
  const clocks = rows.filter((r) => r.kind === 'due');
  return clocks.map((clock) => ({
    id: clock.id,
    key: clock.key,
    state: clock.state,
    startsAt: iso(clock.starts_at)!,
    dueAt: iso(clock.due_at)!,
    status: clock.status === 'fired' ? 'breached' : clock.status,
    open: clock.ended_at === null,
    overdue: clock.ended_at === null && new Date(clock.due_at).getTime() < now.getTime(),
    breachedAt: iso(clock.fired_at),
    warnings: rows
      .filter((r) => r.kind === 'warning' && r.clock_id === clock.id)
      .map((w) => ({
        percent: w.percent!,
        at: iso(w.due_at)!,
        status: w.status === 'fired' ? 'sent' : w.status,
        sentAt: iso(w.fired_at),
      })),
    derivation: clock.derivation,
  }));
}
