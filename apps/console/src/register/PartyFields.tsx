import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Col, Form, Input, Row, Select } from 'antd';
import { useI18n } from '../i18n';
import { nameOf, PARTY_ROLES, VULNERABLE_FLAGS } from '../labels';
import { formatPhone } from './phone';

/** The parties of a new case (a Form.List named `parties`): each in a fieldset of its own, named by its number. */
export function PartyFields({ petition }: { petition: boolean }) {
  const { t, lang } = useI18n();
  const options = (names: Record<string, [string, string]>) =>
    Object.keys(names).map((value) => ({ value, label: nameOf(names, value, lang) }));
  return (
    <Form.List
      name="parties"
      rules={[
        {
          validator: async (_, parties?: unknown[]) => {
            if (!parties?.length) throw new Error(t('至少登记一名当事人', 'Register at least one party'));
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map((field, index) => (
            <fieldset
              key={field.key}
              style={{ border: '1px solid #d9d9d9', borderRadius: 4, padding: '8px 12px 0', marginBottom: 12 }}
            >
              <legend style={{ width: 'auto', border: 0, padding: '0 6px', margin: 0, fontSize: 14, fontWeight: 600 }}>
                {t(`当事人 ${index + 1}`, `Party ${index + 1}`)}
              </legend>
              <Row gutter={12}>
                <Col xs={24} sm={8}>
                  <Form.Item
                    name={[field.name, 'role']}
                    label={t('身份', 'Role')}
                    rules={[{ required: true, message: t('请选择身份', 'Choose a role') }]}
                  >
                    <Select options={options(PARTY_ROLES)} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={16}>
                  <Form.Item
                    name={[field.name, 'name']}
                    label={t('姓名', 'Name')}
                    rules={[
                      { required: true, whitespace: true, message: t('请输入姓名', 'Enter the name') },
                      { max: 100, message: t('最多 100 个字', 'At most 100 characters') },
                    ]}
                  >
                    <Input autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item
                    name={[field.name, 'phone']}
                    label={t('电话', 'Phone')}
                    normalize={(value: string) => formatPhone(value)}
                    extra={t('如 138 1234 5678', 'e.g. 138 1234 5678')}
                    rules={[
                      {
                        pattern: /^\+?[0-9 ]{5,30}$/,
                        message: t('请输入电话号码（数字）', 'Enter a phone number (digits)'),
                      },
                    ]}
                  >
                    <Input inputMode="tel" autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item
                    name={[field.name, 'idNumber']}
                    label={t('证件号码', 'ID number')}
                    rules={[
                      {
                        pattern: /^[0-9A-Za-z]{6,32}$/,
                        message: t('6 至 32 位字母或数字', '6 to 32 letters or digits'),
                      },
                    ]}
                  >
                    <Input autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={petition ? 16 : 24}>
                  <Form.Item name={[field.name, 'vulnerable']} label={t('特殊群体', 'Needs particular care')}>
                    <Checkbox.Group options={options(VULNERABLE_FLAGS)} />
                  </Form.Item>
                </Col>
                {petition && (
                  <Col xs={24} sm={8}>
                    <Form.Item name={[field.name, 'representative']} valuePropName="checked">
                      <Checkbox>{t('信访代表', 'Representative')}</Checkbox>
                    </Form.Item>
                  </Col>
                )}
              </Row>
              {fields.length > 1 && (
                <Button
                  type="link"
                  icon={<DeleteOutlined />}
                  onClick={() => remove(field.name)}
                  style={{ marginBottom: 8, paddingInline: 0, color: '#a8071a' }}
                >
                  {t(`删除当事人 ${index + 1}`, `Remove party ${index + 1}`)}
                </Button>
              )}
            </fieldset>
          ))}
          <Form.ErrorList errors={errors} />
          <Button icon={<PlusOutlined />} onClick={() => add({ role: 'respondent' })} style={{ marginBottom: 16 }}>
            {t('添加当事人', 'Add a party')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
