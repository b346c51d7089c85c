import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Spin,
  Tree,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { ProblemAlert, formatTime } from '../audit/shared';
import { useI18n } from '../i18n';
import { nameOf, UNIT_LEVELS } from '../labels';
import { useNotes } from './common';

type Unit = Schemas['Unit'];
type Level = Unit['level'];
const LEVELS: Level[] = ['district', 'street', 'community', 'grid'];

/** Every unit the reader may see, page after page (200 a page). */
async function allUnits(): Promise<Unit[]> {
  const units: Unit[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(api.GET('/api/v1/units', { params: { query: { cursor, limit: 200 } } }));
    units.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return units;
}

interface Node {
  key: string;
  title: string;
  children: Node[];
}

/** The units as a tree: each under its parent, a unit whose parent is not listed at the top. */
function treeOf(units: Unit[], lang: 'zh' | 'en', retired: string): Node[] {
  const nodes = new Map<string, Node>();
  for (const u of units)
    nodes.set(u.code, {
      key: u.code,
      title: `${u.name} (${u.code}) · ${nameOf(UNIT_LEVELS, u.level, lang)}${u.retiredAt ? ` · ${retired}` : ''}`,
      children: [],
    });
  const roots: Node[] = [];
  for (const u of units) {
    const parent = u.parentCode ? nodes.get(u.parentCode) : undefined;
    (parent ? parent.children : roots).push(nodes.get(u.code)!);
  }
  return roots;
}

/** The unit hierarchy: pick a unit to add a unit under it, rename it or retire it. */
export function UnitsAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const units = useQuery({ queryKey: ['admin-units'], queryFn: allUnits });
  const [selected, setSelected] = useState<string | null>(null);
  const [childForm] = Form.useForm<{ code: string; name: string; level: Level }>();
  const [renameForm] = Form.useForm<{ name: string }>();
  const tree = useMemo(() => treeOf(units.data ?? [], lang, t('已撤销', 'retired')), [units.data, lang, t]);
  const unit = units.data?.find((u) => u.code === selected);
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-units'] });

  const create = useMutation({
    mutationFn: (body: Schemas['CreateUnitDto']) => data(api.POST('/api/v1/units', { body })),
    onSuccess: (created) => {
      notes.done(t(`已新建单位 ${created.name}`, `Unit ${created.name} created`));
      childForm.resetFields();
      void refresh();
      setSelected(created.code);
    },
    onError: notes.failed,
  });
  const update = useMutation({
    mutationFn: (body: Schemas['UpdateUnitDto']) =>
      data(api.PATCH('/api/v1/units/{code}', { params: { path: { code: selected! } }, body })),
    onSuccess: () => {
      notes.done(t('已保存', 'Saved'));
      void refresh();
    },
    onError: notes.failed,
  });

  if (units.isError) return <ProblemAlert error={units.error} />;
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Typography.Title level={2}>{t('单位层级', 'Unit hierarchy')}</Typography.Title>
        {units.isPending ? (
          <Spin />
        ) : (
          <Tree
            aria-label={t('单位层级', 'Unit hierarchy')}
            treeData={tree}
            defaultExpandAll
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
          />
        )}
      </Col>
      <Col xs={24} md={12}>
        {unit ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Title level={3}>
              {unit.name} ({unit.code})
            </Typography.Title>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'level', label: t('层级', 'Level'), children: nameOf(UNIT_LEVELS, unit.level, lang) },
                { key: 'parent', label: t('上级', 'Parent'), children: unit.parentCode ?? '—' },
                { key: 'created', label: t('创建时间', 'Created'), children: formatTime(unit.createdAt) },
                {
                  key: 'retired',
                  label: t('状态', 'Status'),
                  children: unit.retiredAt
                    ? `${t('已撤销', 'Retired')} ${formatTime(unit.retiredAt)}`
                    : t('在用', 'In use'),
                },
              ]}
            />
            {unit.retiredAt ? null : (
              <>
                <Card size="small" title={t('新建下级单位', 'New unit under this one')}>
                  <Form
                    form={childForm}
                    layout="vertical"
                    initialValues={{ level: LEVELS[Math.min(LEVELS.indexOf(unit.level) + 1, LEVELS.length - 1)] }}
                    onFinish={(v) => create.mutate({ ...v, parentCode: unit.code })}
                  >
                    <Form.Item
                      name="code"
                      label={t('单位代码', 'Unit code')}
                      rules={[
                        { required: true, message: t('请填写代码', 'Enter a code') },
                        {
                          pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
                          message: t('字母、数字、_ 或 -，最多 64 位', 'Letters, digits, _ or -, at most 64'),
                        },
                      ]}
                    >
                      <Input placeholder={`${unit.code}-02`} />
                    </Form.Item>
                    <Form.Item
                      name="name"
                      label={t('名称', 'Name')}
                      rules={[{ required: true, whitespace: true, max: 200, message: t('请填写名称', 'Enter a name') }]}
                    >
                      <Input />
                    </Form.Item>
                    <Form.Item name="level" label={t('层级', 'Level')} rules={[{ required: true }]}>
                      <Select options={LEVELS.map((l) => ({ value: l, label: nameOf(UNIT_LEVELS, l, lang) }))} />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" loading={create.isPending}>
                      {t('新建', 'Create')}
                    </Button>
                  </Form>
                </Card>
                <Card size="small" title={t('重命名或撤销', 'Rename or retire')}>
                  <Form
                    form={renameForm}
                    layout="inline"
                    key={unit.code}
                    initialValues={{ name: unit.name }}
                    onFinish={(v) => update.mutate({ name: v.name })}
                  >
                    <Form.Item
                      name="name"
                      label={t('新名称', 'New name')}
                      rules={[{ required: true, whitespace: true, max: 200, message: t('请填写名称', 'Enter a name') }]}
                    >
                      <Input />
                    </Form.Item>
                    <Button htmlType="submit" loading={update.isPending}>
                      {t('重命名', 'Rename')}
                    </Button>
                  </Form>
                  <Popconfirm
                    title={t(
                      '撤销此单位？撤销后不能再登记到该单位。',
                      'Retire this unit? No case can be registered to it then.',
                    )}
                    okText={t('撤销', 'Retire')}
                    cancelText={t('取消', 'Cancel')}
                    onConfirm={() => update.mutate({ retired: true })}
                  >
                    <Button danger style={{ marginTop: 12 }}>
                      {t('撤销单位', 'Retire the unit')}
                    </Button>
                  </Popconfirm>
                </Card>
              </>
            )}
          </Space>
        ) : (
          <Typography.Paragraph>{t('在左侧选择一个单位。', 'Choose a unit in the tree.')}</Typography.Paragraph>
        )}
      </Col>
    </Row>
  );
}
