/**
 * SQL with `:name` placeholders (and `:name::type` casts), compiled once to PostgreSQL's `$n`. Long
 * statements stay readable, and each value is bound by name rather than by counting.
 */
export interface NamedStatement<K extends string> {
  text: string;
  bind(values: Record<K, unknown>): unknown[];
}

export function namedSql<K extends string>(text: string): NamedStatement<K> {
  const order: K[] = [];
  const compiled = text.replace(/(?<!:):([a-z][A-Za-z0-9]*)/g, (_, name: K) => {
    let index = order.indexOf(name);
    if (index < 0) index = order.push(name) - 1;
    return `$${index + 1}`;
  });
  return {
    text: compiled,
    bind(values) {
      return order.map((name) => {
        if (!(name in values)) throw new Error(`no value for :${name}`);
        return values[name];
      });
    },
  };
}
