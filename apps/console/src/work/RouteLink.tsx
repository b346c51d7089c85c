import { ConfigProvider } from 'antd';
import type { ReactNode } from 'react';
import { Link, type LinkProps } from 'react-router';

/**
 * A link within the console in the primary colour of the theme: Ant Design's own link colour (#1677ff) is short
 * of WCAG AA contrast on white, the theme's primary (#1d5fbf) is not.
 */
export const LINK_COLOR = '#1d5fbf';

export function RouteLink({ style, ...props }: LinkProps) {
  return <Link {...props} style={{ color: LINK_COLOR, ...style }} />;
}

const READABLE = {
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  colorLink: LINK_COLOR,
  // Error text (a field's message) at AA contrast: Ant Design's #ff4d4f is 3.3:1 on white.
  colorError: '#cf1322',
  // A pointer left over a primary button after a click keeps it in its hover colour: dark enough for white text.
  colorPrimaryHover: '#174c99',
  colorPrimaryActive: '#123c7a',
};

/**
 * Ant Design's placeholder grey (25 % black) is far short of AA contrast, and axe counts a placeholder as text:
 * the screens here give placeholders, links, error messages and hovered buttons readable colours.
 */
export function Readable({ children }: { children: ReactNode }) {
  return <ConfigProvider theme={{ token: READABLE }}>{children}</ConfigProvider>;
}
