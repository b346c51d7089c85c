import type { OpenAPIObject } from '@nestjs/swagger';
import type { MachineWorkflow } from '#domain';
import { referralWorkflows, workflows } from '#workflows';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/**
 * One OpenAPI schema per event of each machine version, e.g. `dispute.v1.REFER` or `referral.v1.REPLY`, from
 * the machines' own schemas.
 */
export function eventSchemas(): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = {};
  const machines: Array<[string, Record<number, MachineWorkflow>]> = [
    ...Object.entries(workflows),
    ['referral', referralWorkflows],
  ];
  for (const [name, versions] of machines) {
    for (const [version, workflow] of Object.entries(versions)) {
      for (const [type, spec] of Object.entries(workflow.events)) {
        out[`${name}.v${version}.${type}`] = {
          description: `${spec.description}${spec.source === 'system' ? ' (sent by Concord only)' : ''}`,
          ...(spec.payload.jsonSchema() as SchemaObject),
        };
      }
    }
  }
  return out;
}
