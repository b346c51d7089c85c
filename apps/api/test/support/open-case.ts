import { randomUUID } from 'node:crypto';
import type { Channel, CaseKind } from '#domain';
import { CaseEngine } from '#engine';
import type { PartyInput } from '#parties';
import type { TestApi } from '#testing';

/** Who registers the cases a test opens on a given version: an intake clerk of every unit. */
const CLERK = { id: randomUUID(), role: 'intake', name: 'intake (test)' } as const;

/**
 * Registers a case on a given machine version through the engine of the API under test (POST /cases opens new
 * cases on the version they start on, and the API has no field to choose another). The body is POST /cases's;
 * everything after the registration goes over HTTP as usual.
 */
export async function openOnVersion(
  api: TestApi,
  machineVersion: number,
  body: Record<string, unknown>,
): Promise<{ id: string; queryCode: string; reference: string }> {
  const { case: opened } = await api.app.get(CaseEngine).open({
    ...(body as { kind: CaseKind; channel: Channel; unitCode: string; summary: string; description: string }),
    parties: body.parties as PartyInput[],
    actor: CLERK,
    scope: null,
    machineVersion,
  });
  return { id: opened.id, queryCode: opened.queryCode, reference: opened.reference };
}

/**
 * The configuration that starts new cases on version 1, for the specs of version 1's behaviour over HTTP: cases
 * registered before version 2 run on version 1 for as long as they last, so its paths stay tested end to end.
 */
export const ON_VERSION_1 = { newCasesStartOn: { dispute: 1, petition: 1 } } as const;
