import { signWebhookPayload } from '../webhooks.js';

/** A stored record: any JSON object with an `_id`. */
export type MockRecord = { _id: string; [field: string]: unknown };

/** Initial data of the mock. Records without `_id` get one. */
export interface MockSeed {
  members?: Array<Partial<MockRecord>>;
  companies?: Array<Partial<MockRecord>>;
  plans?: Array<Partial<MockRecord>>;
  memberships?: Array<Partial<MockRecord>>;
  webhooks?: Array<Partial<MockRecord>>;
  /** Sign-in credentials: `auth/signin` accepts these (the profile comes from the member with that email, if any). */
  users?: Array<{ email: string; password: string; name?: string }>;
}

/** A webhook delivery, signed like OfficeRnD's. */
export interface MockDelivery {
  webhookId: string;
  url: string;
  eventId: string;
  eventType: string;
  /** The exact body sent (JSON text). */
  body: string;
  /** `content-type` and `officernd-signature`. */
  headers: Record<string, string>;
  /** HTTP status answered by the receiver, when delivered. */
  status?: number;
  /** Why the delivery failed (network error), when it did. */
  error?: string;
}

/** Result of a write helper: the record and the webhook deliveries it caused. */
export interface MockWriteResult {
  record: MockRecord;
  deliveries: MockDelivery[];
}

/** One in-memory collection with helpers that emit `<kind>.created|updated|removed` webhooks. */
export interface MockCollection {
  /** Every record, in insertion order. */
  all(): MockRecord[];
  get(id: string): MockRecord | undefined;
  /** Inserts without emitting webhooks (seeding). */
  insert(records: Array<Partial<MockRecord>>): MockRecord[];
  /** Creates a record and delivers `<kind>.created`. */
  add(fields: Partial<MockRecord>): Promise<MockWriteResult>;
  /** Changes a record and delivers `<kind>.updated` (with `previousAttributes`). */
  update(id: string, patch: Partial<MockRecord>): Promise<MockWriteResult>;
  /** Removes a record and delivers `<kind>.removed`. */
  remove(id: string): Promise<MockWriteResult>;
  readonly size: number;
}

/** Settings the in-memory database needs. */
export interface MockDbOptions {
  now: () => number;
  signatureName: string;
  deliverWebhooks: boolean;
  fetch?: typeof fetch;
}

/** The mock's in-memory state. */
export interface MockDb {
  members: MockCollection;
  companies: MockCollection;
  plans: MockCollection;
  memberships: MockCollection;
  webhooks: MockCollection;
  /** Sign-in passwords by lower-cased email. */
  passwords: Map<string, string>;
  /** Portal access settings by member id. */
  portalAccess: Map<string, { isPortalAccessEnabled: boolean; shouldSendInvitation: boolean }>;
  /** Every webhook delivery made so far. */
  deliveries: MockDelivery[];
  /**
   * Builds (and, when `deliverWebhooks` is on, sends) the signed deliveries of an event to
   * every enabled webhook subscribed to `eventType`. Used by the write helpers; call it for
   * other event types or to simulate a redelivery (pass the same `eventId`).
   */
  emit(
    eventType: string,
    object: MockRecord,
    extra?: { previousAttributes?: Record<string, unknown>; eventId?: string },
  ): Promise<MockDelivery[]>;
  /** A new 24-hex id. */
  newId(): string;
}

let idCounter = 0;
const idPrefix = Math.floor(Math.random() * 0xffffffff)
  .toString(16)
  .padStart(8, '0');

/** Creates the mock's database. */
export function createMockDb(options: MockDbOptions): MockDb {
  const newId = () => `${idPrefix}${(++idCounter).toString(16).padStart(16, '0')}`;
  const iso = () => new Date(options.now()).toISOString();
  const deliveries: MockDelivery[] = [];

  const db = {
    passwords: new Map<string, string>(),
    portalAccess: new Map(),
    deliveries,
    newId,
  } as unknown as MockDb;

  db.emit = async (eventType, object, extra = {}) => {
    const eventId = extra.eventId ?? newId();
    const payload: Record<string, unknown> = {
      event: eventId,
      eventType,
      data: { object, ...(extra.previousAttributes ? { previousAttributes: extra.previousAttributes } : {}) },
      createdAt: iso(),
    };
    const body = JSON.stringify(payload);
    const made: MockDelivery[] = [];
    for (const hook of db.webhooks.all()) {
      const types = Array.isArray(hook.eventTypes) ? (hook.eventTypes as string[]) : [];
      if (hook.isEnabled === false || !(types.includes(eventType) || types.includes('*'))) continue;
      const signature = await signWebhookPayload({
        payload: body,
        secret: String(hook.secret),
        timestamp: Math.floor(options.now() / 1000),
        signatureName: options.signatureName,
      });
      const delivery: MockDelivery = {
        webhookId: hook._id,
        url: String(hook.url),
        eventId,
        eventType,
        body,
        headers: { 'content-type': 'application/json', 'officernd-signature': signature },
      };
      if (options.deliverWebhooks) {
        try {
          const doFetch = options.fetch ?? globalThis.fetch;
          const response = await doFetch(delivery.url, { method: 'POST', headers: delivery.headers, body });
          delivery.status = response.status;
          void response.body?.cancel().catch(() => undefined);
        } catch (error) {
          delivery.error = error instanceof Error ? error.message : String(error);
        }
      }
      deliveries.push(delivery);
      made.push(delivery);
    }
    return made;
  };

  const collection = (kind: string | undefined): MockCollection => {
    const items = new Map<string, MockRecord>();
    const normalise = (fields: Partial<MockRecord>): MockRecord => {
      const stamp = iso();
      return { createdAt: stamp, modifiedAt: stamp, ...fields, _id: fields._id ?? newId() } as MockRecord;
    };
    const emit = (type: string, record: MockRecord, previousAttributes?: Record<string, unknown>) =>
      kind === undefined
        ? Promise.resolve([])
        : db.emit(`${kind}.${type}`, record, previousAttributes ? { previousAttributes } : {});
    return {
      all: () => [...items.values()],
      get: (id) => items.get(id),
      insert(records) {
        return records.map((fields) => {
          const record = normalise(fields);
          items.set(record._id, record);
          return record;
        });
      },
      async add(fields) {
        const record = normalise(fields);
        items.set(record._id, record);
        return { record, deliveries: await emit('created', record) };
      },
      async update(id, patch) {
        const current = items.get(id);
        if (!current) throw new Error(`mock: no record ${id}`);
        const previousAttributes: Record<string, unknown> = {};
        for (const key of Object.keys(patch)) previousAttributes[key] = current[key];
        const record = { ...current, ...patch, _id: id, modifiedAt: iso() } as MockRecord;
        items.set(id, record);
        return { record, deliveries: await emit('updated', record, previousAttributes) };
      },
      async remove(id) {
        const record = items.get(id);
        if (!record) throw new Error(`mock: no record ${id}`);
        items.delete(id);
        return { record, deliveries: await emit('removed', record) };
      },
      get size() {
        return items.size;
      },
    };
  };

  db.members = collection('member');
  db.companies = collection('company');
  db.plans = collection(undefined);
  db.memberships = collection('membership');
  db.webhooks = collection(undefined);
  return db;
}
