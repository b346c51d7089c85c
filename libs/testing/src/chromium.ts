import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing): no browser is downloaded. */
export const CHROMIUM = process.env.CONCORD_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium as the machine has it, started the way this network needs (no background connections to
 * Google's services, which are refused here), with a fresh profile: for the browser tests and bench/console alike.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
