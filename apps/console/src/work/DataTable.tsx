import { Empty, Spin } from 'antd';
import type { CSSProperties, Key, ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: ReactNode;
  render: (row: T) => ReactNode;
}

const CELL: CSSProperties = { padding: '10px 12px', borderBottom: '1px solid #f0f0f0', textAlign: 'start' };
const HEAD: CSSProperties = { ...CELL, background: '#fafafa', fontWeight: 600, whiteSpace: 'nowrap' };

/**
 * A plain, semantic table in Ant Design's look. Not antd's Table: every antd Table measures the scrollbar on mount
 * by injecting a `<style>` element without the page's nonce (@rc-component/util getScrollBarSize), which the
 * console's Content-Security-Policy refuses. Lists here paginate on the server, so sorting and paging in the
 * table are not needed; it scrolls sideways inside its own box on a narrow screen.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  loading,
  empty,
  label,
  size = 'middle',
}: {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => Key;
  loading?: boolean;
  empty: ReactNode;
  label?: string;
  size?: 'small' | 'middle';
}) {
  const cell = size === 'small' ? { ...CELL, padding: '6px 8px' } : CELL;
  const head = size === 'small' ? { ...HEAD, padding: '6px 8px' } : HEAD;
  return (
    <Spin spinning={!!loading}>
      <div style={{ overflowX: 'auto', background: '#fff', borderRadius: 4 }}>
        <table aria-label={label} style={{ width: '100%', borderCollapse: 'collapse', fontSize: 14 }}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" style={head}>
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} style={cell}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))}
            {!rows.length && !loading && (
              <tr>
                <td colSpan={columns.length} style={cell}>
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Spin>
  );
}
