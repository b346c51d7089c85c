/** A calendar day in milliseconds, for moving a test's clock. */
export const DAY = 86_400_000;

/** A clock as a case or referral view lists it (GET /cases/:id, GET /referrals/:id). */
export interface ClockView {
  id: string;
  key: string;
  status: string;
  open: boolean;
  startsAt: string;
  dueAt: string;
}

/** The clocks of one key in a view's `deadlines`, oldest first as the view lists them. */
export const clocksOf = (deadlines: ClockView[], key: string): ClockView[] => deadlines.filter((d) => d.key === key);
