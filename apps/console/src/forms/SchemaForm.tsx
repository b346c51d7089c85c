import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Switch, type FormInstance } from 'antd';

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { errorHelp } from './error-help';
import { fieldLabel, messageText, valueLabel } from './field-labels';
import { fieldsOf, toPayload, validate, type Field, type JsonSchema } from './schema-form';

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

/** The dotted paths a change of form values touched: `{ departments: [{ code }] }` → `departments[0].code`. */
function changedPaths(value: unknown, prefix: string, out: string[]): string[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => v !== undefined && changedPaths(v, `${prefix}[${i}]`, out));
  else if (value && typeof value === 'object' && typeof (value as { toDate?: unknown }).toDate !== 'function')
    for (const [k, v] of Object.entries(value)) changedPaths(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/**
 * A form generated from an event's payload schema (schema-form.ts): one control per property, the client's checks
 * as the server makes them (`validate`, the same messages), and the server's 422 field errors on their fields.
 */
export function SchemaForm({ id, schema, form, onSubmit, serverErrors, people, me, choices }: SchemaFormProps) {
  const { t, lang } = useI18n();
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  /** Where a control (or a list's foot) shows an error: `departments[0].code` is shown at `departments[].code`. */
  const controlPaths = useMemo(() => {
    const out = new Set<string>();
    const visit = (list: Field[], prefix: string) => {
      for (const f of list) {
        const path = prefix ? `${prefix}.${f.name}` : f.name;
        out.add(path);
        if (f.kind === 'object') visit(f.fields!, path);
        if (f.kind === 'list') visit(f.fields!, `${path}[]`);
      }
    };
    visit(fields, '');
    return out;
  }, [fields]);
  const hasControl = (path: string) => controlPaths.has(path.replace(/\[\d+\]\./g, '[].'));

  /** The errors shown: the client's for what was touched (everything once submitted), and the server's. */
  const [shown, setShown] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState<{ all: boolean; paths: Set<string> }>({ all: false, paths: new Set() });
  const [fromServer, setFromServer] = useState<Record<string, string>>({});

  const recompute = (nextTouched = touched, server = fromServer) => {
    const errors = validate(schema, toPayload(fields, form.getFieldsValue(true) as Record<string, unknown>));
    const visible = Object.fromEntries(
      Object.entries(errors).filter(
        ([path]) => nextTouched.all || [...nextTouched.paths].some((p) => p === path || path.startsWith(`${p}[`)),
      ),
    );
    setShown({ ...server, ...visible });
    return errors;
  };

  useEffect(() => {
    if (!serverErrors || !Object.keys(serverErrors).length) return;
    setFromServer(serverErrors);
    setShown((now) => ({ ...now, ...serverErrors }));
  }, [serverErrors]);

  const changed = (paths: string[]) => {
    const next = { all: touched.all, paths: new Set([...touched.paths, ...paths]) };
    const server = Object.fromEntries(
      Object.entries(fromServer).filter(([path]) => !paths.some((p) => path === p || path.startsWith(`${p}.`))),
    );
    setTouched(next);
    setFromServer(server);
    recompute(next, server);
  };

  const finish = () => {
    const next = { all: true, paths: touched.paths };
    setTouched(next);
    const errors = recompute(next, {});
    setFromServer({});
    if (Object.keys(errors).length) return;
    onSubmit(toPayload(fields, form.getFieldsValue(true) as Record<string, unknown>));
  };

  const helpAt = (path: string) => errorHelp(shown[path] ? messageText(shown[path]!, lang) : undefined);

  const control = (field: Field, label: string): ReactNode => {
    const options = (values: string[]) => values.map((v) => ({ value: v, label: valueLabel(v, lang) }));
    const chosen = choices?.[field.name];
    switch (field.kind) {
      case 'textarea':
        // Not autoSize: it measures with a hidden textarea's style attribute, which the CSP refuses.
        return <Input.TextArea rows={4} />;
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
          <Form.List name={name}>
            {(rows, { add, remove }) => (
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
                        onClick={() => {
                          remove(row.name);
                          changed([path]);
                        }}
                      />
                    }
                  >
                    {field.fields!.map((f) =>
                      render(f, [row.name, f.name], `${path}[${index}].${f.name}`, [...name, row.name]),
                    )}
                  </Card>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => {
                    add({});
                    changed([path]);
                  }}
                  block
                >
                  {t(`添加${label}`, `Add ${label.toLowerCase()}`)}
                </Button>
                {shown[path] && <div role="alert">{helpAt(path)}</div>}
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
        validateStatus={shown[path] ? 'error' : undefined}
        help={helpAt(path)}
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
        <Button
          size="small"
          onClick={() => {
            form.setFieldValue(full, me.id);
            changed([path]);
          }}
        >
          {t(`填入我自己（${me.name}）`, `Myself (${me.name})`)}
        </Button>
      </div>
    );
  };

  const elsewhere = Object.entries(shown).filter(([path]) => !hasControl(path));

  return (
    <Form
      form={form}
      name={id}
      layout="vertical"
      onFinish={finish}
      requiredMark
      onValuesChange={(change) => changed(changedPaths(change, '', []).filter(Boolean))}
    >
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
