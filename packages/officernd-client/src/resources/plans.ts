import { SCOPES } from '../auth/scopes.js';
import type { PlanQuery } from '../pagination.js';
import { type Plan, planSchema } from '../schemas.js';
import type { Transport } from '../transport.js';
import { createReadableResource, type ReadableResource } from './base.js';

/** `client.plans`: read-only access to plans. */
export type PlansResource = ReadableResource<Plan, PlanQuery>;

/** Builds `client.plans` on `transport`. */
export function createPlansResource(transport: Transport): PlansResource {
  return createReadableResource(transport, { path: 'plans', item: planSchema, readScope: SCOPES.plansRead });
}
