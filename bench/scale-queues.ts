/**
 * The work-queue routes of bench/scale.ts: GET /me/queue (each view) and /me/queue/counts, read by people signed in
 * with a session, as the routes require. The people are the accounts scale-data.ts makes: ten mediators (each of one
 * community, with about 350 open cases), the ten street leaders (each in charge of about 190 critical cases, and a
 * street's 2,900 unassigned ones in scope), ten department staff and the unscoped admin (the district's 29,000
 * unassigned cases and 2,800 supervised ones in scope). Each request of a route is made by the next person of its kind.
 */
import type { WorkQueueQueries } from '#cases';
import type { Principal } from '#domain';
import type { HttpClient } from './http.js';
import {
  ACTORS,
  BENCH_PASSWORD,
  CATEGORIES,
  communityCode,
  departmentCode,
  departmentStaffId,
  leaderId,
  mediatorId,
  personAdminId,
  streetCode,
} from './scale-data.js';

export const BENCH_PEOPLE = ['mediator', 'leader', 'admin', 'department'] as const;
export type BenchPerson = (typeof BENCH_PEOPLE)[number];

interface Account {
  username: string;
  principal: Principal;
}

/** The accounts each request of a route goes to in turn; the first is the one whose statements are explained. */
export function benchAccounts(): Record<BenchPerson, Account[]> {
  const person = (id: string, username: string, role: Principal['role'], extra: Partial<Principal>): Account => ({
    username,
    principal: {
      id,
      name: username,
      role,
      unitCode: null,
      scope: null,
      departmentCode: null,
      session: { id: 'bench', roles: [role], mustChangePassword: false },
      ...extra,
    },
  });
  const ten = Array.from({ length: 10 }, (_, k) => k + 1);
  return {
    // mediator-(1 + 20(k-1)): the first mediator of community 1 of street k.
    mediator: ten.map((s) =>
      person(mediatorId(s, 1, 0), `mediator-${1 + 20 * (s - 1)}`, 'mediator', {
        unitCode: communityCode(s, 1),
        scope: `/SD/${streetCode(s)}/${communityCode(s, 1)}/`,
      }),
    ),
    leader: ten.map((s) =>
      person(leaderId(s), `leader-${s}`, 'leader', { unitCode: streetCode(s), scope: `/SD/${streetCode(s)}/` }),
    ),
    admin: [person(personAdminId(), 'admin-1', 'admin', {})],
    department: ten.map((d) =>
      person(departmentStaffId(d, 0), `department-${d}-0`, 'department', { departmentCode: departmentCode(d) }),
    ),
  };
}

/** Signs every account in (one argon2 verification each) and gives each its session cookie. */
export async function signInAccounts(
  http: HttpClient,
  accounts: Record<BenchPerson, Account[]>,
): Promise<Record<BenchPerson, string[]>> {
  const cookies = {} as Record<BenchPerson, string[]>;
  for (const kind of BENCH_PEOPLE) {
    cookies[kind] = [];
    for (const account of accounts[kind]) {
      const answer = await http.expect(
        { method: 'POST', path: '/api/v1/session', body: { username: account.username, password: BENCH_PASSWORD } },
        200,
      );
      const set = answer.headers['set-cookie'] ?? [];
      cookies[kind].push(set.map((c) => c.split(';')[0]!).join('; '));
    }
  }
  return cookies;
}

export interface QueueSpec {
  route: string;
  filter: string;
  person: BenchPerson;
  path: (i: number) => string;
  query: (queue: WorkQueueQueries, principal: Principal) => Promise<unknown>;
}

export function queueSpecs(limit: number): QueueSpec[] {
  const view = (
    person: BenchPerson,
    name: string,
    filter = '',
    params: (i: number) => Record<string, string> = () => ({}),
  ): QueueSpec => ({
    route: 'GET /me/queue',
    filter: `${person}: ${name}${filter ? `, ${filter}` : ''}`,
    person,
    path: (i) => `/api/v1/me/queue?${new URLSearchParams({ view: name, ...params(i), limit: String(limit) })}`,
    query: (queue, principal) => {
      const { risk, ...rest } = params(0);
      return queue.list({ view: name as never, ...rest, riskLevel: risk, limit }, principal);
    },
  });
  const counts = (person: BenchPerson): QueueSpec => ({
    route: 'GET /me/queue/counts',
    filter: `${person}: every view`,
    person,
    path: () => '/api/v1/me/queue/counts',
    query: (queue, principal) => queue.counts({}, principal),
  });
  return [
    view('mediator', 'mine'),
    view('mediator', 'mine', 'category', (i) => ({ category: CATEGORIES[i % 4]! })),
    view('mediator', 'unassigned'),
    view('mediator', 'due_soon'),
    view('mediator', 'overdue'),
    view('mediator', 'supervised'),
    counts('mediator'),
    view('leader', 'in_charge'),
    view('leader', 'unassigned'),
    view('leader', 'supervised'),
    view('leader', 'overdue'),
    counts('leader'),
    view('admin', 'unassigned'),
    view('admin', 'supervised'),
    view('admin', 'unassigned', 'kind = petition', () => ({ kind: 'petition' })),
    // A rare filter over the district's 29,000: the view's index is read whole to find its 600.
    view('admin', 'unassigned', 'risk = critical', () => ({ risk: 'critical' })),
    counts('admin'),
    view('department', 'mine'),
    view('department', 'unassigned'),
    view('department', 'overdue'),
    view('department', 'supervised'),
    counts('department'),
  ];
}

/** How many accounts the data holds, for the report. */
export const ACCOUNTS_NOTE = `${ACTORS} mediators, 10 leaders, 40 department staff and one unscoped admin`;
