/**
 * A phone number as a caseworker types it, grouped for reading while they type (138 1234 5678, 010 6512 3456,
 * +852 …), and the same number as sent: digits only (with the leading + of an international one). Whether it is
 * a real number is the API's to judge (libphonenumber's full metadata): its refusal shows on the field.
 */
export const PHONE_MAX_DIGITS = 20;

function groups(digits: string, first: number): string {
  const parts = [digits.slice(0, first)];
  for (let i = first; i < digits.length; i += 4) parts.push(digits.slice(i, i + 4));
  return parts.filter(Boolean).join(' ');
}

export function formatPhone(typed: string | undefined): string {
  if (!typed) return '';
  const international = typed.trimStart().startsWith('+');
  const digits = typed.replace(/\D/g, '').slice(0, PHONE_MAX_DIGITS);
  if (international) return `+${digits}`;
  // A mobile number: 3-4-4 (138 1234 5678).
  if (digits.startsWith('1')) return groups(digits, 3);
  // A landline: Beijing's and Shanghai's… three-digit area codes (010, 02x), the rest four (0571).
  if (digits.startsWith('0')) return groups(digits, /^0[12]/.test(digits) ? 3 : 4);
  return groups(digits, 4);
}

/** The number as the API takes it: its digits, with the + of an international number. */
export function phoneDigits(formatted: string | undefined): string | undefined {
  if (!formatted) return undefined;
  const digits = formatted.replace(/\D/g, '');
  if (!digits) return undefined;
  return formatted.trimStart().startsWith('+') ? `+${digits}` : digits;
}
