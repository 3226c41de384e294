/** Options of {@link generateMockData}. */
export interface GenerateMockDataOptions {
  /** PRNG seed: the same seed gives the same data. Default 1. */
  seed?: number;
  /** Number of plans. Default 20. */
  plans?: number;
  /** Number of companies. Default `ceil(members / 20)`. */
  companies?: number;
  /** Share of members with status `active`. Default 0.8. */
  activeShare?: number;
  /** Creation date of everything, ISO. Default `2024-01-01T00:00:00.000Z`. */
  createdAt?: string;
}

const OTHER_STATUSES = ['former', 'pending', 'contact', 'not_approved', 'drop-in', 'lead'] as const;

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 24-hex-digit id like OfficeRnD's (MongoDB ObjectId shaped). */
export function mockId(prefix: number, n: number): string {
  return prefix.toString(16).padStart(8, '0') + n.toString(16).padStart(16, '0');
}

/**
 * Generates `members` members with companies, plans and memberships (0–2 per member,
 * mostly `calculatedStatus: 'active'`) for the mock's `seed` option (a MockSeed). Deterministic.
 */
export function generateMockData(members: number, options: GenerateMockDataOptions = {}) {
  const rand = random(options.seed ?? 1);
  const createdAt = options.createdAt ?? '2024-01-01T00:00:00.000Z';
  const location = mockId(0x10c, 1);
  const plans = Array.from({ length: options.plans ?? 20 }, (_, i) => ({
    _id: mockId(0x91a, i + 1),
    name: `Plan ${i + 1}`,
    code: `P${i + 1}`,
    type: i % 2 === 0 ? 'hotdesk' : 'office',
    price: 100 + i * 10,
    locations: [location],
  }));
  const companyCount = options.companies ?? Math.max(1, Math.ceil(members / 20));
  const companies = Array.from({ length: companyCount }, (_, i) => ({
    _id: mockId(0xc0, i + 1),
    name: `Company ${i + 1}`,
    location,
    status: 'active',
    createdAt,
    modifiedAt: createdAt,
  }));
  const activeShare = options.activeShare ?? 0.8;
  const memberList: Array<{
    _id: string;
    name: string;
    email: string;
    location: string;
    company: string;
    status: string;
    startDate: string;
    tags: string[];
    properties: Record<string, unknown>;
    createdAt: string;
    modifiedAt: string;
  }> = [];
  const memberships: Array<{
    _id: string;
    name: string;
    plan: string;
    member: string;
    location: string;
    status: string;
    calculatedStatus: string;
    startDate: string;
    endDate: string | null;
    createdAt: string;
    modifiedAt: string;
  }> = [];
  let membershipCounter = 0;
  for (let i = 0; i < members; i++) {
    const id = mockId(0x3e3, i + 1);
    const active = rand() < activeShare;
    memberList.push({
      _id: id,
      name: `Member ${i + 1}`,
      email: `member${i + 1}@example.com`,
      location,
      company: companies[Math.floor(rand() * companies.length)]!._id,
      status: active ? 'active' : OTHER_STATUSES[Math.floor(rand() * OTHER_STATUSES.length)]!,
      startDate: createdAt,
      tags: [],
      properties: {},
      createdAt,
      modifiedAt: createdAt,
    });
    const count = Math.floor(rand() * 3);
    for (let j = 0; j < count; j++) {
      const roll = rand();
      memberships.push({
        _id: mockId(0x3b5, ++membershipCounter),
        name: 'Membership',
        plan: plans[Math.floor(rand() * plans.length)]!._id,
        member: id,
        location,
        status: roll < 0.9 ? 'approved' : 'not_approved',
        calculatedStatus: roll < 0.8 ? 'active' : roll < 0.85 ? 'expired' : roll < 0.9 ? 'not_started' : 'not_approved',
        startDate: createdAt,
        endDate: null,
        createdAt,
        modifiedAt: createdAt,
      });
    }
  }
  return { members: memberList, companies, plans, memberships };
}
