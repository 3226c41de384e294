import type { RequestOptions } from '@vendorkit/core';
import { SCOPES } from '../auth/scopes.js';
import { OfficeRnDError } from '../errors.js';
import type { WebhookQuery } from '../pagination.js';
import { type Webhook, webhookSchema } from '../schemas.js';
import type { Transport } from '../transport.js';
import { createReadableResource, pathId, type ReadableResource } from './base.js';

/** Fields of a new webhook subscription. */
export interface WebhookCreateInput {
  /** Where OfficeRnD POSTs the events (https in production). */
  url: string;
  /** Event types, e.g. `['member.created', 'member.updated', 'member.removed']`. */
  eventTypes: string[];
  description?: string;
  isEnabled?: boolean;
}

/**
 * `client.webhooks`: list, create and delete webhook subscriptions. Reading needs
 * `flex.settings.webhooks.read`, which is not among the default scopes.
 */
export interface WebhooksResource extends ReadableResource<Webhook, WebhookQuery> {
  /** `POST /webhooks` (scope `flex.settings.webhooks.create`); the answer carries the `secret` to verify deliveries with. */
  create(input: WebhookCreateInput, options?: RequestOptions): Promise<Webhook>;
  /** `DELETE /webhooks/{id}` (scope `flex.settings.webhooks.delete`). */
  delete(id: string, options?: RequestOptions): Promise<void>;
}

/** Builds `client.webhooks` on `transport`. */
export function createWebhooksResource(transport: Transport): WebhooksResource {
  return {
    ...createReadableResource(transport, { path: 'webhooks', item: webhookSchema, readScope: SCOPES.webhooksRead }),
    async create(input, options) {
      if (typeof input?.url !== 'string' || !Array.isArray(input.eventTypes) || input.eventTypes.length === 0) {
        throw new OfficeRnDError(
          'invalid_query',
          'webhooks.create needs { url: string, eventTypes: string[] (not empty) }.',
        );
      }
      return transport.request(
        {
          method: 'POST',
          call: 'webhooks.create',
          scope: SCOPES.webhooksCreate,
          path: 'webhooks',
          json: input,
          schema: webhookSchema,
        },
        options,
      );
    },
    async delete(id, options) {
      await transport.request(
        {
          method: 'DELETE',
          call: 'webhooks.delete',
          scope: SCOPES.webhooksDelete,
          path: `webhooks/${pathId('webhook', id)}`,
          schema: undefined,
        },
        options,
      );
    },
  };
}
