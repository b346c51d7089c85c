import type { FormInstance } from 'antd';

type FieldData = Parameters<FormInstance['setFields']>[0][number];

/**
 * A problem's field path as the API writes it (`parties[0].phone`, `payload.note`) as an antd form's name path
 * (['parties', 0, 'phone'], ['note'] after `strip` = 'payload').
 */
export function namePathOf(field: string, strip?: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const segment of field.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) {
      parts.push(segment);
      continue;
    }
    if (match[1]) parts.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  if (strip && parts[0] === strip) parts.shift();
  return parts;
}

/**
 * Splits a problem's field errors into those of fields the form has (set on them) and the rest (shown above the
 * form): `known` says whether a name path is one of the form's.
 */
export function placeFieldErrors(
  errors: Record<string, string>,
  known: (path: Array<string | number>) => boolean,
  strip?: string,
): { onFields: FieldData[]; elsewhere: string[] } {
  const onFields: FieldData[] = [];
  const elsewhere: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const path = namePathOf(field, strip);
    if (path.length && known(path)) onFields.push({ name: path, errors: [message] });
    else elsewhere.push(field ? `${field}: ${message}` : message);
  }
  return { onFields, elsewhere };
}
