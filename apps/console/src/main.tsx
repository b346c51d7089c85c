import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import 'antd/dist/antd.css';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { I18nProvider, useI18n } from './i18n';
import { queries } from './query-client';
import { router } from './routes';

/**
 * The nonce of this page's Content-Security-Policy: the API writes it into the page (apps/api/src/console/
 * console.ts); Ant Design's style elements carry it, since the policy allows no inline style without it.
 */
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;

/**
 * A few of Ant Design's helpers write a style element without the nonce ConfigProvider hands out (the table's
 * scrollbar measurement in @rc-component/util, for one), which the policy would block. Style elements this
 * page's own scripts create carry the nonce; markup injected as HTML is still refused, as it never goes through
 * createElement.
 */
if (nonce) {
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tagName: string, options?: ElementCreationOptions) {
    const element = createElement.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  } as typeof Document.prototype.createElement;
}

/**
 * Ant Design's tokens with text, links, placeholders and error messages dark enough for WCAG AA contrast (4.5:1)
 * on white: its defaults fall short of it.
 */
const THEME = {
  colorPrimary: '#1d5fbf',
  colorLink: '#1d5fbf',
  borderRadius: 4,
  colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
  colorTextDescription: 'rgba(0, 0, 0, 0.65)',
  // axe counts a placeholder as text: Ant Design's 25 % black is far short of AA.
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  // A field's error message: Ant Design's #ff4d4f is 3.3:1 on white.
  colorError: '#cf1322',
  // A pointer left over a primary button after a click keeps it in its hover colour: dark enough for white text.
  colorPrimaryHover: '#174c99',
  colorPrimaryActive: '#123c7a',
};

/**
 * No style is generated in the browser (`zeroRuntime`): Ant Design's component styles come from its prebuilt
 * stylesheet (antd/dist/antd.css, a hashed asset cached for a year), which saves each page load the 300–500 ms of
 * CSS-in-JS its first render of a screen otherwise spends. The theme above still reaches the components as CSS
 * variables, set under our own key: the stylesheet carries its default theme's variables under the keys it was
 * built with, and a page whose key happened to match would get the default (lighter) colours.
 */
const THEME_CONFIG = { token: THEME, zeroRuntime: true, hashed: false, cssVar: { key: 'concord' } } as const;

function Root() {
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} csp={{ nonce }} theme={THEME_CONFIG}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queries}>
        <Root />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
