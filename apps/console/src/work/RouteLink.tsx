import { Link, type LinkProps } from 'react-router';

/**
 * A link within the console in the primary colour of the theme: Ant Design's own link colour (#1677ff) is short
 * of WCAG AA contrast on white, the theme's primary (#1d5fbf) is not.
 */
export const LINK_COLOR = '#1d5fbf';

export function RouteLink({ style, ...props }: LinkProps) {
  return <Link {...props} style={{ color: LINK_COLOR, ...style }} />;
}
