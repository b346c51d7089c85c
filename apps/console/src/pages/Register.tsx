import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Select, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiProblem, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { CATEGORIES, CHANNELS, KINDS, nameOf } from '../labels';
import { PartyFields } from '../register/PartyFields';
import { phoneDigits } from '../register/phone';
import { placeFieldErrors } from '../register/problem-fields';
import { unitTree, useUnits } from '../register/units';
import { hasRole, useMe } from '../session';

interface PartyValues {
  role: 'applicant' | 'respondent' | 'third_party';
  name: string;
  phone?: string;
  idNumber?: string;
  vulnerable?: Array<'elderly' | 'minor' | 'disabled' | 'special_population'>;
  representative?: boolean;
}

interface Values {
  kind: 'dispute' | 'petition';
  channel: Schemas['CreateCaseDto']['channel'];
  unitCode: string;
  category?: string;
  occurredAt?: Dayjs;
  parties: PartyValues[];
  summary: string;
  description: string;
}

const TOP_FIELDS = ['kind', 'channel', 'unitCode', 'category', 'occurredAt', 'summary', 'description', 'parties'];
const PARTY_FIELDS = ['role', 'name', 'phone', 'idNumber', 'vulnerable', 'representative'];

/** The body of POST /cases: optional fields left out when empty, phones as digits. */
function bodyOf(values: Values): Schemas['CreateCaseDto'] {
  const text = (value?: string) => (value && value.trim() ? value.trim() : undefined);
  return {
    kind: values.kind,
    channel: values.channel,
    unitCode: values.unitCode,
    summary: values.summary.trim(),
    description: values.description.trim(),
    ...(values.category ? { category: values.category } : {}),
    ...(values.occurredAt ? { occurredAt: values.occurredAt.format() } : {}),
    parties: values.parties.map((p) => ({
      role: p.role,
      name: p.name.trim(),
      ...(phoneDigits(p.phone) ? { phone: phoneDigits(p.phone) } : {}),
      ...(text(p.idNumber) ? { idNumber: text(p.idNumber) } : {}),
      ...(p.vulnerable?.length ? { vulnerable: p.vulnerable } : {}),
      ...(values.kind === 'petition' && p.representative ? { representative: true } : {}),
    })),
  };
}

/**
 * Registering a dispute or a petition (POST /cases): kind, channel, the owning unit from the reader's part of the
 * hierarchy (their own unit preselected, a grid worker's grid), category, when it happened, the parties, summary
 * and description. The API's field errors (422) show on their fields; on success, the new case's page.
 */
export function RegisterPage() {
  return <RegisterScreen />;
}

function RegisterScreen() {
  const { t, lang } = useI18n();
  const me = useMe();
  const units = useUnits();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const [elsewhere, setElsewhere] = useState<string[]>([]);
  const tree = useMemo(() => (units.data ? unitTree(units.data, me.data?.unitCode) : []), [units.data, me.data]);

  const register = useMutation({
    mutationFn: (values: Values) => data(api.POST('/api/v1/cases', { body: bodyOf(values) })),
    onSuccess: (created) => navigate(`/cases/${created.id}`),
    onError: (error) => {
      if (!(error instanceof ApiProblem) || !error.problem.errors?.length) {
        setElsewhere([]);
        return;
      }
      const placed = placeFieldErrors(error.fieldErrors, (path) =>
        path.length === 1
          ? TOP_FIELDS.includes(String(path[0]))
          : path[0] === 'parties' && typeof path[1] === 'number' && PARTY_FIELDS.includes(String(path[2])),
      );
      const phoneWords = t(
        '电话号码无效：大陆号码按拨打方式填写，其他号码带 + 国家代码',
        'Not a valid phone number: a mainland number as dialled, any other with its + country code',
      );
      form.setFields(
        placed.onFields.map((f) =>
          Array.isArray(f.name) && f.name[f.name.length - 1] === 'phone' ? { ...f, errors: [phoneWords] } : f,
        ),
      );
      setElsewhere(placed.elsewhere);
      if (placed.onFields[0]) form.scrollToField(placed.onFields[0].name, { block: 'center' });
    },
  });

  const options = (names: Record<string, [string, string]>) =>
    Object.keys(names).map((value) => ({ value, label: nameOf(names, value, lang) }));
  const failure =
    register.error &&
    (register.error instanceof ApiProblem && register.error.status === 422
      ? t('有字段未通过校验，请按提示修改。', 'Some fields were refused: see the messages on them.')
      : register.error instanceof ApiProblem && register.error.status === 403
        ? t('您无权在该单位登记案件。', 'You may not register cases for that unit.')
        : register.error.message);

  if (me.isPending || !me.data) return null;
  const gridWorker = hasRole(me.data, 'grid_worker') && !hasRole(me.data, 'intake', 'mediator', 'admin');

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('登记案件', 'Register a case')}
      </Typography.Title>
      <Card style={{ maxWidth: 880 }}>
        {failure && (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 16 }}
            title={failure}
            description={elsewhere.length ? elsewhere.join('；') : undefined}
          />
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          scrollToFirstError
          initialValues={{
            kind: 'dispute',
            channel: gridWorker ? 'grid_report' : 'walk_in',
            unitCode: me.data.unitCode ?? undefined,
            parties: [{ role: 'applicant' }],
          }}
          onFinish={(values) => register.mutate(values)}
        >
          <Row gutter={12}>
            <Col xs={24} sm={12}>
              <Form.Item name="kind" label={t('类型', 'Kind')} rules={[{ required: true }]}>
                <Radio.Group options={options(KINDS)} optionType="button" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item
                name="channel"
                label={t('来源渠道', 'Channel')}
                rules={[{ required: true, message: t('请选择来源渠道', 'Choose a channel') }]}
              >
                <Select options={options(CHANNELS)} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item
                name="unitCode"
                label={t('所属单位', 'Unit')}
                rules={[{ required: true, message: t('请选择单位', 'Choose a unit') }]}
              >
                <TreeSelect
                  treeData={tree}
                  treeDefaultExpandAll
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  loading={units.isPending}
                  placeholder={t('选择单位', 'Choose a unit')}
                />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="category" label={t('纠纷类别', 'Category')}>
                <Select allowClear options={options(CATEGORIES)} placeholder={t('选择类别', 'Choose a category')} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="occurredAt" label={t('发生时间', 'When it happened')}>
                <DatePicker
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  style={{ width: '100%' }}
                  disabledDate={(d) => d.isAfter(dayjs().endOf('day')) || d.year() < 1950}
                />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('当事人', 'Parties')}
          </Typography.Title>
          <PartyFields petition={kind === 'petition'} />
          <Form.Item
            name="summary"
            label={t('事由摘要', 'Summary')}
            rules={[
              { required: true, whitespace: true, message: t('请输入摘要', 'Enter a summary') },
              { max: 500, message: t('最多 500 个字', 'At most 500 characters') },
            ]}
          >
            <Input maxLength={500} showCount />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('详细情况', 'Description')}
            rules={[
              { required: true, whitespace: true, message: t('请输入详细情况', 'Enter a description') },
              { max: 20000, message: t('最多 20000 个字', 'At most 20,000 characters') },
            ]}
          >
            <Input.TextArea rows={4} maxLength={20000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending} block={false}>
            {t('登记', 'Register')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
