import type { OpenAPIObject } from '@nestjs/swagger';
import type { MachineWorkflow } from '#domain';
import { MIGRATE_MACHINE, MIGRATIONS, referralWorkflows, workflows } from '#workflows';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

type Machines = Array<[string, Record<number, MachineWorkflow>]>;

/**
 * An event the engine itself carries out, which no machine declares: its payload per machine and version it may
 * be sent on, and the envelope's description.
 */
interface EngineEvent {
  type: string;
  description: string;
  takers: Array<{ machine: string; version: number; payload: SchemaObject }>;
}

const ref = (name: string) => `#/components/schemas/${name}`;

/** The events an events operation takes: the body's schema, and the components it refers to. */
export interface EventCatalogue {
  /** `oneOf` one schema per event type, told apart by `type` (a discriminator). */
  body: SchemaObject;
  /** Per event type its envelope (`CaseEvent.REFER`), and per machine version its payload (`dispute.v1.REFER`). */
  schemas: Record<string, SchemaObject>;
}

/**
 * The body of an events operation, from the machines' own schemas. An event type may be taken by several
 * machines (ACCEPT by disputes and petitions alike), with a payload each: the subject's kind and machine version
 * decide which applies, so each type's envelope allows the payload of any machine version that takes it
 * (`anyOf`), and the envelopes, one per type, are told apart by `type`.
 */
function catalogue(envelope: string, machines: Machines, engineEvents: EngineEvent[] = []): EventCatalogue {
  const schemas: Record<string, SchemaObject> = {};
  const byType = new Map<string, Array<{ name: string; label: string; client: boolean; required: boolean }>>();
  const described = new Map(engineEvents.map((e) => [e.type, e.description]));
  for (const event of engineEvents) {
    for (const { machine, version, payload } of event.takers) {
      const name = `${machine}.v${version}.${event.type}`;
      schemas[name] = { description: event.description, ...payload };
      const takers = byType.get(event.type) ?? [];
      const required = ((payload as { required?: string[] }).required?.length ?? 0) > 0;
      takers.push({ name, label: `${machine} v${version}`, client: true, required });
      byType.set(event.type, takers);
    }
  }
  for (const [machine, versions] of machines) {
    for (const [version, workflow] of Object.entries(versions)) {
      for (const [type, spec] of Object.entries(workflow.events)) {
        const name = `${machine}.v${version}.${type}`;
        const payload = spec.payload.jsonSchema() as SchemaObject & { required?: string[] };
        schemas[name] = {
          description: `${spec.description}${spec.source === 'system' ? ' (sent by Concord only)' : ''}`,
          ...payload,
        };
        const takers = byType.get(type) ?? [];
        takers.push({
          name,
          label: `${machine} v${version}`,
          client: spec.source === 'client',
          required: (payload.required?.length ?? 0) > 0,
        });
        byType.set(type, takers);
      }
    }
  }
  const mapping: Record<string, string> = {};
  for (const [type, takers] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    const name = `${envelope}.${type}`;
    mapping[type] = ref(name);
    const systemOnly = takers.filter((t) => !t.client).map((t) => t.label);
    schemas[name] = {
      type: 'object',
      description:
        (described.has(type) ? `${described.get(type)!} ` : '') +
        `${type}, taken by ${takers.map((t) => t.label).join(', ')}: its payload is \`<machine>.v<version>.${type}\` ` +
        'for the subject’s machine and version.' +
        (systemOnly.length
          ? ` Sent by Concord only for ${systemOnly.join(', ')}: a client sending it there is answered 403.`
          : ''),
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: [type] },
        payload: {
          description: 'The event’s payload; omitted, it is `{}`.',
          anyOf: takers.map((t) => ({ $ref: ref(t.name) })),
        },
        expectedVersion: {
          type: 'integer',
          minimum: 1,
          description: 'Apply only if the subject is still at this version (409 version_conflict otherwise).',
        },
      },
      // A payload with required fields cannot be left out, whichever machine takes the event.
      required: takers.every((t) => t.required) ? ['type', 'payload'] : ['type'],
    };
  }
  return {
    body: {
      oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
      discriminator: { propertyName: 'type', mapping },
    },
    schemas,
  };
}

/** MIGRATE_MACHINE: taken by a case on any version its kind has an upgrade from. */
const MIGRATE: EngineEvent = {
  type: MIGRATE_MACHINE,
  description:
    'An admin moves an open case to the next version of its machine (403 for any other role). The case keeps ' +
    'its clocks that the new version also declares in its state, with their due times; those only the old version ' +
    'declares end; those only the new version declares start now. Refused with the reason (409) where no mapping ' +
    'exists: an archived case, a state with no counterpart, a case already on that version or a version that does ' +
    'not follow its own; `answers` the upgrade does not take are a 422.',
  takers: MIGRATIONS.map((m) => ({ machine: m.kind, version: m.from, payload: m.payload as SchemaObject })),
};

/** What `POST /cases/{id}/events` takes: every event of every case kind and machine version, and MIGRATE_MACHINE. */
export const CASE_EVENTS = catalogue('CaseEvent', Object.entries(workflows), [MIGRATE]);

/** What `POST /referrals/{id}/events` takes: every event of every referral machine version. */
export const REFERRAL_EVENTS = catalogue('ReferralEvent', [['referral', referralWorkflows]]);

/**
 * The components the two events operations refer to: one payload schema per event of each machine version,
 * e.g. `dispute.v1.REFER` or `referral.v1.REPLY`, and one envelope per event type, e.g. `CaseEvent.REFER`.
 */
export function eventSchemas(): Record<string, SchemaObject> {
  return { ...CASE_EVENTS.schemas, ...REFERRAL_EVENTS.schemas };
}
