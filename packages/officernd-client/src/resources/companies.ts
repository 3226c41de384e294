import { SCOPES } from '../auth/scopes.js';
import type { CompanyQuery } from '../pagination.js';
import { type Company, companySchema } from '../schemas.js';
import type { Transport } from '../transport.js';
import { createReadableResource, type ReadableResource } from './base.js';

/** `client.companies`: read-only access to companies. */
export type CompaniesResource = ReadableResource<Company, CompanyQuery>;

/** Builds `client.companies` on `transport`. */
export function createCompaniesResource(transport: Transport): CompaniesResource {
  return createReadableResource(transport, { path: 'companies', item: companySchema, readScope: SCOPES.companiesRead });
}
