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

/** `client.webhooks`: list, create and delete webhook subscriptions. */
export interface WebhooksResource extends ReadableResource<Webhook, WebhookQuery> {
  /** `POST /webhooks`; the answer carries the `secret` to verify deliveries with. */
  create(input: WebhookCreateInput): Promise<Webhook>;
  /** `DELETE /webhooks/{id}`. */
  delete(id: string): Promise<void>;
}

/** Builds `client.webhooks` on `transport`. */
export function createWebhooksResource(transport: Transport): WebhooksResource {
  return {
    ...createReadableResource(transport, 'webhooks', webhookSchema),
    async create(input) {
      if (typeof input?.url !== 'string' || !Array.isArray(input.eventTypes) || input.eventTypes.length === 0) {
        throw new OfficeRnDError(
          'invalid_query',
          'webhooks.create needs { url: string, eventTypes: string[] (not empty) }.',
        );
      }
      return transport.request({ method: 'POST', path: 'webhooks', json: input, schema: webhookSchema });
    },
    async delete(id) {
      await transport.request({ method: 'DELETE', path: `webhooks/${pathId('webhook', id)}`, schema: undefined });
    },
  };
}
