#!/usr/bin/env node
// `npm run screenshots`: copies the browser tests' screenshots of the main screens (dist/screenshots/, written by
// `npm test`) into docs/images/, where the README shows them. Run it after the browser tests, and commit the images
// when the screens have changed. A missing screenshot fails: the test that takes it did not run or did not pass.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

export const README_SCREENSHOTS = [
  'sign-in',
  'my-work',
  'my-work-phone',
  'register',
  'case-page',
  'case-machine',
  'referral',
  'dashboard',
  'audit-verify',
  'audit-point-in-time',
  'administration-calendar',
  'progress',
];

const missing = README_SCREENSHOTS.filter((name) => !existsSync(`dist/screenshots/${name}.png`));
if (missing.length) {
  console.error(`no screenshot of ${missing.join(', ')} in dist/screenshots: run the browser tests first`);
  process.exit(1);
}
mkdirSync('docs/images', { recursive: true });
for (const name of README_SCREENSHOTS) copyFileSync(`dist/screenshots/${name}.png`, `docs/images/${name}.png`);
console.log(`copied ${README_SCREENSHOTS.length} screenshots to docs/images/`);
