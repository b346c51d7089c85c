import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Switch,
  type FormInstance,
  type FormRule,
} from 'antd';

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { fieldLabel, messageText, valueLabel } from './field-labels';
import { fieldsOf, nameOf, toPayload, validate, type Field, type JsonSchema } from './schema-form';

export interface Choice {
  value: string;
  label: string;
}

export interface SchemaFormProps {
  /** The form's name: its controls' ids start with it. */
  id: string;
  schema: JsonSchema;
  form: FormInstance;
  /** Called with the payload once the client's checks pass. */
  onSubmit(payload: Record<string, unknown>): void;
  /** The server's 422 field errors, `payload.` taken off their paths. */
  serverErrors?: Record<string, string>;
  /** People to choose a person field from; without them a person field takes a user id. */
  people?: Choice[];
  /** The reader, offered as a one-click choice for a person field taking an id. */
  me?: { id: string; name: string };
  /** Values to choose from by property name (departments, units): a text field becomes a choice. */
  choices?: Partial<Record<string, Choice[]>>;
}

type Name = Array<string | number>;

/**
 * A form generated from an event's payload schema (schema-form.ts): one control per property, the client's checks
 * as the server makes them (`validate`, the same messages), and the server's 422 field errors on their fields.
 */
export function SchemaForm({ id, schema, form, onSubmit, serverErrors, people, me, choices }: SchemaFormProps) {
  const { t, lang } = useI18n();
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  /** Errors on no control of their own (a list's length, an unknown field, the server's own rules). */
  const [loose, setLoose] = useState<Record<string, string>>({});

  const leafPaths = useMemo(() => {
    const out = new Set<string>();
    const visit = (list: Field[], prefix: string) => {
      for (const f of list) {
        const path = prefix ? `${prefix}.${f.name}` : f.name;
        if (f.kind === 'object') visit(f.fields!, path);
        else if (f.kind !== 'list') out.add(path);
      }
    };
    visit(fields, '');
    return out;
  }, [fields]);
  /** `departments[0].code` → `departments[].code`: whether a control shows the error. */
  const hasControl = (path: string) => leafPaths.has(path.replace(/\[\d+\]\./g, '[].').replace(/\[\d+\]$/, ''));

  const currentErrors = () => validate(schema, toPayload(fields, form.getFieldsValue(true) as Record<string, unknown>));

  const show = (errors: Record<string, string>) => {
    const onControls = Object.entries(errors).filter(([path]) => hasControl(path));
    form.setFields(onControls.map(([path, message]) => ({ name: nameOf(path), errors: [messageText(message, lang)] })));
    setLoose(Object.fromEntries(Object.entries(errors).filter(([path]) => !hasControl(path))));
  };

  useEffect(() => {
    if (serverErrors && Object.keys(serverErrors).length) show(serverErrors);
    // Only a new answer from the server shows anew.
  }, [serverErrors]);

  const ruleAt = (path: string): FormRule => ({
    validator: async () => {
      const message = currentErrors()[path];
      if (message) throw new Error(messageText(message, lang));
    },
  });

  const finish = () => {
    const payload = toPayload(fields, form.getFieldsValue(true) as Record<string, unknown>);
    const errors = validate(schema, payload);
    if (Object.keys(errors).length) return show(errors);
    setLoose({});
    onSubmit(payload);
  };

  const control = (field: Field, label: string): ReactNode => {
    const options = (values: string[]) => values.map((v) => ({ value: v, label: valueLabel(v, lang) }));
    const chosen = choices?.[field.name];
    switch (field.kind) {
      case 'textarea':
        return <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />;
      case 'integer':
      case 'number':
        return (
          <InputNumber
            style={{ width: '100%' }}
            min={field.min}
            max={field.max}
            precision={field.kind === 'integer' ? 0 : undefined}
          />
        );
      case 'boolean':
        return <Switch aria-label={label} checkedChildren={t('是', 'Yes')} unCheckedChildren={t('否', 'No')} />;
      case 'select':
        return <Select allowClear={!field.required} options={options(field.options!)} aria-label={label} />;
      case 'multiselect':
        return <Select mode="multiple" options={options(field.options!)} aria-label={label} />;
      case 'tags':
        return chosen ? (
          <Select mode="multiple" options={chosen} optionFilterProp="label" aria-label={label} />
        ) : (
          <Select mode="tags" open={false} suffixIcon={null} aria-label={label} />
        );
      case 'datetime':
        return <DatePicker showTime style={{ width: '100%' }} aria-label={label} />;
      case 'phone':
        return <Input type="tel" autoComplete="off" placeholder="13812345678" />;
      case 'person':
        if (people)
          return (
            <Select
              showSearch
              optionFilterProp="label"
              options={people}
              allowClear={!field.required}
              aria-label={label}
            />
          );
        return <Input placeholder={t('人员 ID（UUID）', 'Person id (UUID)')} autoComplete="off" />;
      default:
        if (chosen)
          return (
            <Select
              showSearch
              optionFilterProp="label"
              options={chosen}
              allowClear={!field.required}
              aria-label={label}
            />
          );
        return <Input autoComplete="off" />;
    }
  };

  const render = (field: Field, name: Name, path: string, listPrefix?: Name): ReactNode => {
    const label = fieldLabel(field.name, lang);
    const tooltip = field.description;
    if (field.kind === 'object') {
      return (
        <fieldset
          key={path}
          style={{ border: '1px solid #d9d9d9', borderRadius: 4, padding: '8px 12px', marginBottom: 16 }}
        >
          <legend style={{ fontSize: 14, width: 'auto', padding: '0 4px', margin: 0, border: 0 }}>
            {label}
            {field.required ? '' : t('（选填）', ' (optional)')}
          </legend>
          {field.fields!.map((f) => render(f, [...name, f.name], `${path}.${f.name}`, listPrefix))}
        </fieldset>
      );
    }
    if (field.kind === 'list') {
      return (
        <Form.Item key={path} label={label} required={field.required} tooltip={tooltip}>
          <Form.List name={name} rules={[listRule(path)]}>
            {(rows, { add, remove }, { errors }) => (
              <>
                {rows.map((row, index) => (
                  <Card
                    key={row.key}
                    size="small"
                    style={{ marginBottom: 8 }}
                    title={`${label} ${index + 1}`}
                    extra={
                      <Button
                        type="text"
                        icon={<MinusCircleOutlined />}
                        aria-label={t(`删除第 ${index + 1} 项`, `Remove item ${index + 1}`)}
                        onClick={() => remove(row.name)}
                      />
                    }
                  >
                    {field.fields!.map((f) =>
                      render(f, [row.name, f.name], `${path}[${index}].${f.name}`, [...name, row.name]),
                    )}
                  </Card>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
                  {t(`添加${label}`, `Add ${label.toLowerCase()}`)}
                </Button>
                <Form.ErrorList errors={[...errors, ...(loose[path] ? [messageText(loose[path]!, lang)] : [])]} />
              </>
            )}
          </Form.List>
        </Form.Item>
      );
    }
    const isPersonInput = field.kind === 'person' && !people && me;
    const item = (
      <Form.Item
        key={path}
        name={name}
        label={label}
        required={field.required}
        tooltip={tooltip}
        rules={[ruleAt(path)]}
        valuePropName={field.kind === 'boolean' ? 'checked' : 'value'}
        style={isPersonInput ? { marginBottom: 4 } : undefined}
      >
        {control(field, label)}
      </Form.Item>
    );
    if (!isPersonInput) return item;
    const full = listPrefix ? [...listPrefix, ...name.slice(1)] : name;
    return (
      <div key={path} style={{ marginBottom: 16 }}>
        {item}
        <Button size="small" onClick={() => form.setFields([{ name: full, value: me.id, errors: [] }])}>
          {t(`填入我自己（${me.name}）`, `Myself (${me.name})`)}
        </Button>
      </div>
    );
  };

  const listRule = (path: string) => ({
    validator: async () => {
      const message = currentErrors()[path];
      if (message) throw new Error(messageText(message, lang));
    },
  });

  const elsewhere = Object.entries(loose).filter(([path]) => !fields.some((f) => f.kind === 'list' && f.path === path));

  return (
    <Form form={form} name={id} layout="vertical" onFinish={finish} onFinishFailed={finish} requiredMark>
      {elsewhere.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('请检查以下内容', 'Please check')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {elsewhere.map(([path, message]) => (
                <li key={path}>
                  {path
                    ? `${path
                        .split('.')
                        .map((p) => fieldLabel(p.replace(/\[\d+\]$/, ''), lang))
                        .join(' · ')}: `
                    : ''}
                  {messageText(message, lang)}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {fields.length === 0 && <p>{t('此操作无需填写内容。', 'This action takes no details.')}</p>}
      {fields.map((f) => render(f, [f.name], f.name))}
    </Form>
  );
}
