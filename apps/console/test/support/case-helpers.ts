import type { Page } from 'playwright-core';
import { animationsDone } from './console-harness.js';

/** A button's name as Ant Design writes it: two Chinese characters get a space between them (`认 领`). */
export const named = (text: string) =>
  new RegExp(`^${[...text].map((c) => c.replace(/[()[\]]/g, '\\$&')).join('\\s*')}$`);

/** The case page's state, as its header shows it. */
export const stateOf = (page: Page) => page.getByTestId('case-state').textContent();

/** Waits until the header shows `state` (a Chinese label, e.g. `办理 · 已指派`). */
export async function waitForState(page: Page, state: string): Promise<void> {
  await page.getByTestId('case-state').filter({ hasText: state }).waitFor();
}

/**
 * Sends an event from the case page: its button, then `fill` in the dialog the form was generated into, then
 * submit; an event with nothing to fill in is confirmed instead.
 */
export async function sendEvent(
  page: Page,
  event: string,
  fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>,
) {
  await page.getByRole('button', { name: named(event) }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) {
    await fill(dialog);
    await dialog.getByRole('button', { name: named('提交') }).click();
  } else {
    await dialog.getByRole('button', { name: named('确认') }).click();
  }
  await dialog.waitFor({ state: 'hidden' });
}

/**
 * Chooses `option` in the Ant Design select labelled `label` inside the dialog `scope`, once the dialog and the
 * dropdown hold still, and waits until the select shows it.
 */
export async function choose(page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string) {
  const select = scope.getByLabel(label, { exact: true });
  await animationsDone(page);
  await select.click();
  const item = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`);
  await item.waitFor();
  await animationsDone(page);
  await item.click();
  // A click on the dialog's title closes a dropdown still open (it would cover the buttons under it).
  await scope.locator('.ant-modal-title').click();
  await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
  await scope
    .locator('.ant-select', { has: page.getByLabel(label, { exact: true }) })
    .filter({ hasText: option })
    .waitFor();
}
