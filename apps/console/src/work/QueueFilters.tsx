import { Button, Col, Collapse, Form, Row, Select, TreeSelect } from 'antd';
import type { ReactNode } from 'react';
import type { UnitNode } from '../register/units';
import { useI18n } from '../i18n';
import { CATEGORIES, KINDS, RISKS, STAGES } from '../labels';
import type { QueueFilters as Filters } from './queue';

type Names = Record<string, [string, string]>;

/**
 * The queue's filters (kind, stage, category, risk, unit: what GET /me/queue takes), in a panel that folds away; folded
 * at first on a phone. Every change goes to the page's query string, so a filtered view can be linked to.
 */
export function QueueFilters({
  filters,
  onChange,
  narrow,
  units,
}: {
  filters: Filters;
  onChange: (next: Filters) => void;
  narrow: boolean;
  /** The units of the reader's scope, as a tree; undefined while they load. */
  units: UnitNode[] | undefined;
}) {
  const { t, lang } = useI18n();
  const options = (names: Names) =>
    Object.entries(names).map(([value, n]) => ({ value, label: n[lang === 'zh' ? 0 : 1] }));
  const active = Object.values(filters).filter(Boolean).length;
  const cell = (label: string, control: ReactNode) => (
    <Col xs={24} sm={12} md={6}>
      <Form.Item label={label} style={{ marginBottom: 8 }}>
        {control}
      </Form.Item>
    </Col>
  );
  const select = (name: keyof Filters, label: string, names: Names) =>
    cell(
      label,
      <Select
        allowClear
        aria-label={label}
        placeholder={t('全部', 'All')}
        value={filters[name]}
        options={options(names)}
        onChange={(value?: string) => onChange({ ...filters, [name]: value || undefined })}
      />,
    );
  return (
    <Collapse
      size="small"
      style={{ marginBottom: 12 }}
      defaultActiveKey={narrow ? [] : ['filters']}
      items={[
        {
          key: 'filters',
          label: active ? t(`筛选（${active} 项）`, `Filters (${active})`) : t('筛选', 'Filters'),
          children: (
            <Form layout="vertical" component="div">
              <Row gutter={12}>
                {select('kind', t('类型', 'Kind'), KINDS)}
                {select('stage', t('阶段', 'Stage'), STAGES)}
                {select('category', t('类别', 'Category'), CATEGORIES)}
                {select('risk', t('风险等级', 'Risk'), RISKS)}
                {cell(
                  t('单位', 'Unit'),
                  <TreeSelect
                    allowClear
                    aria-label={t('单位', 'Unit')}
                    placeholder={t('全部', 'All')}
                    value={filters.unitCode}
                    treeData={units ?? []}
                    loading={!units}
                    showSearch={{ treeNodeFilterProp: 'title' }}
                    onChange={(value?: string) => onChange({ ...filters, unitCode: value || undefined })}
                  />,
                )}
              </Row>
              {active > 0 && (
                <Button size="small" onClick={() => onChange({})}>
                  {t('清除筛选', 'Clear filters')}
                </Button>
              )}
            </Form>
          ),
        },
      ]}
    />
  );
}
