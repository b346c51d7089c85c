/** Field errors in a red dark enough for AA contrast on white (Ant Design's default is lighter). */
const ERROR_RED = '#b7141f';

/** A field's error as Ant Design's help text, in readable contrast. */
export const errorHelp = (message: string | undefined) =>
  message ? <span style={{ color: ERROR_RED }}>{message}</span> : undefined;
