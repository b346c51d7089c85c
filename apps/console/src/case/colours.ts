/**
 * Tag colours dark enough for WCAG AA contrast (4.5:1) on the tag's light fill: Ant Design's preset tags (gold,
 * orange, green…) fall short of it. Every tag also says its meaning in words.
 */
export const TAG = {
  red: '#a8071a',
  volcano: '#ad2102',
  gold: '#874d00',
  green: '#135200',
  blue: '#003eb3',
  purple: '#391085',
  grey: '#434343',
} as const;

/** Link text on white at AA contrast (the theme's primary). */
export const LINK = '#1d5fbf';
