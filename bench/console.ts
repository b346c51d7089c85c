/**
 * The console at scale, in a real browser: with BENCH_CONSOLE_CASES cases (100,000 by default) loaded, how long
 * until a mediator's work queue and a case page are interactive in headless Chromium (Debian's, through
 * playwright-core), measured from the navigation's start to the moment the screen's content and controls are on
 * the page. Each run opens a fresh browser context (empty cache: "cold", as the first visit of the day), then the
 * same screen again in that context ("warm": the hashed assets come from the browser's cache). The target is under
 * 1 s for both screens. The API serves the built console (`npm run build`) from its own process.
 */
import { randomBytes } from 'node:crypto';
import { PiiCipher } from '#parties';
import { migrate } from '#persistence';
import { launchChromium } from '#testing';
import {
  describeMachine,
  dropDatabase,
  envNumber,
  fmt,
  freshDatabase,
  ms,
  percentile,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
} from './lib.js';
import { Report } from './report.js';
import { BENCH_PASSWORD, communityCode } from './scale-data.js';
import { benchAccounts } from './scale-queues.js';
import { loadSyntheticCases } from './synthetic-cases.js';

const DB = 'concord_bench_console';
const CASES = envNumber('BENCH_CONSOLE_CASES', 100_000);
const EVENTS = envNumber('BENCH_CONSOLE_EVENTS', 1_000_000);
const RUNS = envNumber('BENCH_CONSOLE_RUNS', 10);
const KEEP = process.env.BENCH_CONSOLE_KEEP === '1';
const PORT = 3990 + Math.floor(Math.random() * 9);
const TARGET_MS = 1_000;

interface Screen {
  name: string;
  path: (run: number) => string;
  /** Resolves once the screen is interactive: its content shown and its controls enabled. */
  ready: (page: import('playwright-core').Page, run: number) => Promise<void>;
}

/**
 * Runs in every page before its own scripts (through the DevTools protocol, so the page's Content-Security-Policy
 * does not apply). Each frame it checks whether the screen is up (My work: a case link in the queue; a case page:
 * the reference in its heading, its state, and its actions, or the note that there are none), and keeps the time of
 * the first frame it is, in ms from the navigation's start. A frame is drawn only between tasks, so the page could
 * take input at that moment. It also keeps the page's long tasks (50 ms or more), for the second after.
 * Playwright's own waiting polls every 100–500 ms, too coarse to time a screen with; it only tells the bench when
 * to read these.
 */
const WATCH_READY = `(() => {
  const shown = (e) => e.getClientRects().length > 0;
  const up = {
    work: () => [...document.querySelectorAll('a')].some((a) => /^(DSP|PET)-\\d{4}-\\d{6,}$/.test(a.textContent) && shown(a)),
    case: () => {
      const h1 = document.querySelector('h1');
      const state = document.querySelector('[data-testid="case-state"]');
      const actions = [...document.querySelectorAll('.ant-card')].find((c) => c.querySelector('.ant-card-head')?.textContent === '操作');
      return !!h1 && /(DSP|PET)-\\d{4}-\\d{6,}/.test(h1.textContent) && !!state && state.textContent !== '—' &&
        !!actions && (actions.querySelector('button') !== null || actions.textContent.includes('当前没有可执行的操作'));
    },
  }[location.pathname.startsWith('/cases/') ? 'case' : 'work'];
  window.__concord = { readyAt: null, longTasks: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__concord.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    if (up()) window.__concord.readyAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

/** The frame the screen was up in (ms from the navigation's start), and the longest task in the second after. */
async function readyTimes(page: import('playwright-core').Page): Promise<{ readyAt: number; longest: number }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const report = () => {
      const { readyAt, longTasks } = window.__concord;
      const after = longTasks.filter(([start, duration]) => start + duration > readyAt && start < readyAt + 1000);
      resolve({ readyAt, longest: Math.max(0, ...after.map(([, duration]) => duration)) });
    };
    const wait = () => {
      const { readyAt } = window.__concord;
      if (readyAt === null) requestAnimationFrame(wait);
      else setTimeout(report, Math.max(0, readyAt + 1000 - performance.now()));
    };
    wait();
  })`)) as { readyAt: number; longest: number };
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  await migrate(url);
  const machine = await describeMachine(url);
  const dataKey = randomBytes(24).toString('base64');
  process.stdout.write(`loading ${fmt(CASES)} cases and about ${fmt(EVENTS)} events…\n`);
  const load = await loadSyntheticCases(url, new PiiCipher(dataKey), CASES, EVENTS);
  process.stdout.write(`loaded in ${fmt(load.seconds.rows + load.seconds.indexes + load.seconds.vacuum)} s\n`);

  // The mediator of street 3's first community, and open cases of that community for the case page.
  const mediator = benchAccounts().mediator[2]!;
  const community = communityCode(3, 1);
  const cases = (
    await sql(
      url,
      `SELECT id, reference FROM cases WHERE unit_code LIKE $1 AND stage <> 'archive' ORDER BY id LIMIT $2`,
      [`${community}%`, RUNS],
    )
  ).rows as Array<{ id: string; reference: string }>;
  const queueSize = (
    await sql(url, `SELECT count(*)::int AS n FROM cases WHERE unit_code LIKE $1 AND stage <> 'archive'`, [
      `${community}%`,
    ])
  ).rows[0].n as number;

  const origin = `http://127.0.0.1:${PORT}`;
  const api = await startProcess(
    'dist/apps/api/src/main.js',
    {
      PORT: String(PORT),
      DATABASE_URL: url,
      REDIS_URL,
      CONCORD_DATA_KEY: dataKey,
      CONCORD_QUEUE_PREFIX: `bench-console-${randomBytes(3).toString('hex')}`,
      CONCORD_LOG_LEVEL: 'warn',
    },
    async () => (await fetch(`${origin}/api/v1/health/live`)).status === 200,
  );
  const browser = await launchChromium();

  const screens: Screen[] = [
    {
      name: 'My work (the mediator’s queue)',
      path: () => '/work',
      ready: async (page) => {
        await page.getByRole('link', { name: /^DSP-/ }).first().waitFor();
      },
    },
    {
      name: 'The case page',
      path: (run) => `/cases/${cases[run % cases.length]!.id}`,
      ready: async (page, run) => {
        await page
          .getByText(cases[run % cases.length]!.reference)
          .first()
          .waitFor();
      },
    },
  ];

  const timings = new Map<string, { cold: number[]; warm: number[] }>();
  /** The longest task in the second after each screen was up: how long a click then could have waited. */
  const blocked = new Map<string, { cold: number[]; warm: number[] }>();
  for (const screen of screens) {
    timings.set(screen.name, { cold: [], warm: [] });
    blocked.set(screen.name, { cold: [], warm: [] });
  }
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const screen of screens) {
        const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
        // Signing in is not what is measured: the session cookie is set through the API, as the form would.
        const signIn = await context.request.post(`${origin}/api/v1/session`, {
          data: { username: mediator.username, password: BENCH_PASSWORD },
        });
        if (signIn.status() !== 200) throw new Error(`sign-in answered ${signIn.status()}`);
        await context.addInitScript(WATCH_READY);
        const page = await context.newPage();
        for (const phase of ['cold', 'warm'] as const) {
          // The first run's waterfall: when each request started and ended, from the navigation's start.
          const waterfall: string[] = [];
          const watch = run === 0;
          let started = performance.now();
          const onDone = (request: import('playwright-core').Request) => {
            const at = performance.now() - started;
            const path = new URL(request.url()).pathname.replace(/[0-9a-f-]{36}/, ':id');
            waterfall.push(`${ms(at).padStart(6)} ms  ${request.method()} ${path}`);
          };
          if (watch) page.on('requestfinished', onDone);
          started = performance.now();
          await page.goto(`${origin}${screen.path(run)}`, { waitUntil: 'commit' });
          await screen.ready(page, run);
          const { readyAt: elapsed, longest } = await readyTimes(page);
          timings.get(screen.name)![phase].push(elapsed);
          blocked.get(screen.name)![phase].push(longest);
          if (watch) {
            page.off('requestfinished', onDone);
            const marks = (await page.evaluate(
              `(() => { const n = performance.getEntriesByType('navigation')[0]; return [n.responseEnd, n.domContentLoadedEventEnd]; })()`,
            )) as [number, number];
            process.stdout.write(
              `${screen.name}, ${phase}: ${ms(elapsed)} ms (page received ${ms(marks[0])} ms, scripts run by ${ms(marks[1])} ms)\n` +
                `${waterfall.map((line) => `  ${line}`).join('\n')}\n`,
            );
          }
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await stopProcess(api);
  }

  const report = new Report(
    'console',
    `the console in headless Chromium at ${fmt(CASES)} cases: time until the queue and the case page are interactive`,
  );
  report.text(
    `A mediator of community ${community} (${fmt(queueSize)} open cases in scope, ${fmt(CASES)} cases and ` +
      `${fmt(load.rows.case_events ?? EVENTS)} events in the database) opens My work and a case page, ${RUNS} times ` +
      'each. Cold: a fresh browser context (nothing cached); warm: the same screen again in that context. Times ' +
      'run from the navigation to the first frame the browser draws with the screen’s content and controls (a ' +
      'case link of the queue; the case’s reference, state and actions), timed in the page; the page draws a ' +
      'frame only between tasks, so it could take a click then. The case’s diagram and the forms’ code load after ' +
      'that frame, when the browser is idle. "Longest task after" is the longest main-thread task in the second ' +
      `after that frame (the most a click then waits). Target: under ${fmt(TARGET_MS)} ms.`,
  );
  const rows: string[][] = [];
  const missing: string[] = [];
  for (const [name, { cold, warm }] of timings) {
    for (const [phase, list] of [
      ['cold', cold],
      ['warm', warm],
    ] as const) {
      const sorted = [...list].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const longest = Math.max(...blocked.get(name)![phase]);
      rows.push([`${name}, ${phase}`, ms(p50), ms(p95), ms(sorted[sorted.length - 1]!), ms(longest)]);
      if (p95 >= TARGET_MS) missing.push(`${name} ${phase} (p95 ${ms(p95)} ms)`);
    }
  }
  report.table(['screen', 'p50 ms', 'p95 ms', 'max ms', 'longest task after, ms'], rows);
  report.text(
    missing.length ? `Over the target: ${missing.join('; ')}.` : 'Both screens are interactive within the target.',
  );
  await report.write(machine, `BENCH_CONSOLE_CASES=${CASES} BENCH_CONSOLE_EVENTS=${EVENTS} BENCH_CONSOLE_RUNS=${RUNS}`);
  if (!KEEP) await dropDatabase(DB);
}

runBenchmark(main);
