/**
 * Masks for readers who may not see a party's PII (department and auditor keys). One rule for phones and ID
 * numbers: at most the last 4 characters show, and never more than half of the value, so a 7-digit landline
 * shows 3 and an 8-character ID 4. Each hidden character is one `*`: the reader sees how long the value is
 * (an 11-digit mobile, an 18-character resident ID), which tells what kind of number it is and says nothing
 * a published number plan does not; a fixed-width mask would hide that and still need this rule for the tail.
 */

/** How many trailing characters of a value of `length` may show. */
export const visibleTail = (length: number): number => Math.min(4, Math.floor(length / 2));

function maskTail(chars: string[]): string {
  if (chars.length === 0) return '*';
  const shown = visibleTail(chars.length);
  return '*'.repeat(chars.length - shown) + chars.slice(chars.length - shown).join('');
}

/**
 * 张三丰 → 张**, 张三 → 张*, 王 → *: keeps the family name, which a caseworker on the other end needs to
 * address a letter, as long as that is at most half of the name.
 */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length < 2) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** +8613812345678 → *********5678. Digits only: a separator or `+` typed before normalisation shows nothing. */
export function maskPhone(phone: string): string {
  return maskTail([...phone.replace(/\D/g, '')]);
}

/** 110101199003071234 → **************1234; E1234567 → ****4567. */
export function maskIdNumber(id: string): string {
  return maskTail([...id]);
}
