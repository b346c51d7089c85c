import type { OpenAPIObject } from '@nestjs/swagger';
import { workflows } from '../../../workflows/index.js';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/** One OpenAPI schema per event of each machine version, e.g. `dispute.v1.REFER`, from the machines' own schemas. */
export function eventSchemas(): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = {};
  for (const [kind, versions] of Object.entries(workflows)) {
    for (const [version, workflow] of Object.entries(versions)) {
      for (const [type, spec] of Object.entries(workflow.events)) {
        out[`${kind}.v${version}.${type}`] = {
          description: `${spec.description}${spec.source === 'system' ? ' (sent by Concord only)' : ''}`,
          ...(spec.payload.jsonSchema() as SchemaObject),
        };
      }
    }
  }
  return out;
}
