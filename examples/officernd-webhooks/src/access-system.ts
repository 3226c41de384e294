import type { AccessTarget, AccessUser } from 'vendorkit/officernd-client';

/** A user as the (pretend) door-access system stores them. */
export interface DoorUser {
  id: string;
  name: string;
  email: string | null;
  tags: string[];
}

/**
 * An in-memory access-control system standing in for a real one (Luckey, Kisi, …): users with
 * access tags. Its methods are idempotent, as `createMemberSync` requires.
 */
export class InMemoryAccessSystem implements AccessTarget {
  readonly users = new Map<string, DoorUser>();

  upsertUser(user: AccessUser): void {
    this.users.set(user.id, { id: user.id, name: user.name, email: user.email, tags: [...user.tags] });
  }

  removeUser(id: string): void {
    this.users.delete(id);
  }

  listUserIds(): Iterable<string> {
    return [...this.users.keys()];
  }
}
