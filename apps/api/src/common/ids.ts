import { DomainError } from '#domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not even a UUID names nothing: 404, like an id that does not exist. */
export function requireUuid(id: string, what: string): string {
  if (!UUID.test(id)) throw DomainError.notFound(what);
  return id.toLowerCase();
}
