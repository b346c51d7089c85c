import { Button } from 'antd';
import { Fragment, useState, type ReactNode } from 'react';
import { LINK } from './colours';

export interface Column<T> {
  key: string;
  title: string;
  render(row: T): ReactNode;
}

interface Props<T> {
  rows: T[];
  rowKey(row: T): string;
  columns: Array<Column<T>>;
  emptyText: string;
  /** A row's details, opened under it by a button with this label. */
  expand?: { label: string; hide: string; render(row: T): ReactNode };
}

const cell = { padding: '8px', borderBottom: '1px solid #f0f0f0', textAlign: 'left', verticalAlign: 'top' } as const;

/**
 * A plain table, for the case page's short lists (a case's clocks, referrals, parties: never paginated, all in the
 * case's answer). Ant Design's Table measures the scrollbar on mount with a <style> element that carries no nonce,
 * which the page's CSP refuses.
 */
export function SimpleTable<T>({ rows, rowKey, columns, emptyText, expand }: Props<T>) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((now) => {
      const next = new Set(now);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const span = columns.length + (expand ? 1 : 0);
  return (
    <div style={{ overflowX: 'auto' }}>
      <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 14 }}>
        <thead>
          <tr style={{ background: '#fafafa' }}>
            {expand && (
              <th scope="col" style={cell}>
                <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>
                  {expand.label}
                </span>
              </th>
            )}
            {columns.map((c) => (
              <th key={c.key} scope="col" style={{ ...cell, fontWeight: 600 }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={span} style={{ ...cell, textAlign: 'center', color: 'rgba(0, 0, 0, 0.65)' }}>
                {emptyText}
              </td>
            </tr>
          )}
          {rows.map((row) => {
            const key = rowKey(row);
            const expanded = open.has(key);
            return (
              <Fragment key={key}>
                <tr>
                  {expand && (
                    <td style={cell}>
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0, color: LINK }}
                        aria-expanded={expanded}
                        onClick={() => toggle(key)}
                      >
                        {expanded ? expand.hide : expand.label}
                      </Button>
                    </td>
                  )}
                  {columns.map((c) => (
                    <td key={c.key} style={cell}>
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
                {expand && expanded && (
                  <tr>
                    <td colSpan={span} style={{ ...cell, background: '#fcfcfc' }}>
                      {expand.render(row)}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
