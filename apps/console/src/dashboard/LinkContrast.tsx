import type { ComponentProps } from 'react';
import { Link } from 'react-router';

/**
 * A link in the primary colour: Ant Design's link colour (#1677ff, from colorInfo) falls short of WCAG AA contrast
 * (4.1:1 on white) for the small figures and references these screens link from.
 */
export const LINK_COLOUR = '#1d5fbf';
export function ContrastLink({ style, ...props }: ComponentProps<typeof Link>) {
  return <Link {...props} style={{ color: LINK_COLOUR, ...style }} />;
}
