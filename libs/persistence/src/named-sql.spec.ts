import { namedSql } from './named-sql.js';

describe('namedSql', () => {
  it('numbers names in order of first use, reuses numbers, and leaves casts alone', () => {
    const statement = namedSql<'id' | 'at' | 'keys'>(
      'UPDATE t SET a = :at WHERE id = :id::uuid AND key = ANY(:keys::text[]) AND b = :at',
    );
    expect(statement.text).toBe('UPDATE t SET a = $1 WHERE id = $2::uuid AND key = ANY($3::text[]) AND b = $1');
    expect(statement.bind({ id: 'x', at: 1, keys: ['k'] })).toEqual([1, 'x', ['k']]);
  });

  it('refuses a missing value', () => {
    expect(() => namedSql<'a'>('SELECT :a').bind({} as never)).toThrow('no value for :a');
  });
});
