/**
 * Seeded generation of request targets that routers disagree about: each one starts from a path
 * some route serves and goes through a few of the rewrites that a router may or may not undo
 * (percent-encoding, case, slashes, dot segments, `;` parameters, queries, prefixes, bad escapes).
 * The generator never predicts which route a target reaches; the test asks the server.
 */

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same targets everywhere. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from an empty list');
    return items[this.int(items.length)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}

/** A generated request target, with where it came from so that a failure can be read. */
export interface GeneratedTarget {
  readonly target: string;
  /** The sample path it was made from, or `random`. */
  readonly sample: string;
  /** The mutations applied, in order. */
  readonly mutations: readonly string[];
  /** Methods to send to it. */
  readonly methods: readonly string[];
}

/** A path some route serves, and the methods besides GET and HEAD that its routes take. */
export interface Sample {
  readonly path: string;
  readonly methods: readonly string[];
}

const OTHER_METHODS = ['PUT', 'POST', 'DELETE', 'PATCH'] as const;

/**
 * A target split where a router splits it: the scheme and authority of an absolute-form target,
 * the path, and the query or fragment after it. Mutations change the path and the rest only: a
 * mangled authority is refused by Node's HTTP parser before any application code runs.
 */
interface Split {
  readonly authority?: string;
  readonly path: string;
  readonly rest: string;
}

type Mutation = (target: Split, random: Random) => Split | undefined;

/** The rewrites a target can go through; a failure lists those its target went through. */
export type MutationName =
  | 'pct-letter'
  | 'pct-slash'
  | 'pct-dot'
  | 'case'
  | 'trailing-slash'
  | 'dup-slash'
  | 'dot-segment'
  | 'matrix'
  | 'query'
  | 'prefix'
  | 'bad-escape'
  | 'long'
  | 'absolute'
  | 'fragment';

function withPath(target: Split, path: string): Split {
  return { ...target, path };
}

/** Indexes of characters matching `test`, outside `%XX` escapes. */
function positions(path: string, test: (char: string) => boolean): number[] {
  const found: number[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '%') {
      i += 2;
      continue;
    }
    if (test(path[i]!)) found.push(i);
  }
  return found;
}

function escapeChar(char: string, random: Random): string {
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${random.chance(0.5) ? hex.toUpperCase() : hex.toLowerCase()}`;
}

function replaceAt(path: string, index: number, length: number, text: string): string {
  return path.slice(0, index) + text + path.slice(index + length);
}

const isLetter = (char: string) => /[A-Za-z]/.test(char);

/** Every mutation by name; each returns `undefined` where it does not apply. */
const MUTATIONS: Readonly<Record<MutationName, Mutation>> = {
  'pct-letter': (t, random) => {
    const at = positions(t.path, isLetter);
    if (at.length === 0) return undefined;
    const index = random.pick(at);
    return withPath(t, replaceAt(t.path, index, 1, escapeChar(t.path[index]!, random)));
  },
  'pct-slash': (t, random) => {
    const at = positions(t.path, (c) => c === '/').filter((i) => i > 0);
    if (at.length === 0) return undefined;
    return withPath(t, replaceAt(t.path, random.pick(at), 1, escapeChar('/', random)));
  },
  'pct-dot': (t, random) => {
    const dots = positions(t.path, (c) => c === '.');
    if (dots.length > 0)
      return withPath(t, replaceAt(t.path, random.pick(dots), 1, escapeChar('.', random)));
    // No dot to encode: an encoded dot segment, which URL normalisers resolve and routers do not.
    const slashes = positions(t.path, (c) => c === '/');
    const dot = random.pick(['%2e', '%2E', '%2e%2e', '.%2E']);
    return withPath(t, replaceAt(t.path, random.pick(slashes), 1, `/${dot}/`));
  },
  case: (t, random) => {
    const letters = positions(t.path, isLetter);
    if (letters.length === 0) return undefined;
    switch (random.int(3)) {
      case 0:
        return withPath(t, t.path.toUpperCase());
      case 1: {
        const segments = t.path.split('/');
        const index = 1 + random.int(Math.max(1, segments.length - 1));
        segments[index] = (segments[index] ?? '').toUpperCase();
        return withPath(t, segments.join('/'));
      }
      default: {
        const index = random.pick(letters);
        const char = t.path[index]!;
        const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
        return withPath(t, replaceAt(t.path, index, 1, flipped));
      }
    }
  },
  'trailing-slash': (t) =>
    withPath(t, t.path.length > 1 && t.path.endsWith('/') ? t.path.slice(0, -1) : `${t.path}/`),
  'dup-slash': (t, random) => {
    const slashes = positions(t.path, (c) => c === '/');
    return withPath(t, replaceAt(t.path, random.pick(slashes), 1, '//'));
  },
  'dot-segment': (t, random) => {
    const slashes = positions(t.path, (c) => c === '/');
    const segment = random.pick(['/.', '/x/..', '/..', '/./.']);
    const index = random.pick(slashes);
    return withPath(t, t.path.slice(0, index) + segment + t.path.slice(index));
  },
  matrix: (t, random) => {
    const parameter = random.pick([';jsessionid=1', ';a=b', ';', ';v=1;w']);
    const ends = [...positions(t.path, (c) => c === '/').filter((i) => i > 0), t.path.length];
    const index = random.pick(ends);
    return withPath(t, t.path.slice(0, index) + parameter + t.path.slice(index));
  },
  query: (t, random) => ({
    ...t,
    rest:
      t.rest +
      random.pick([
        '?',
        '?q=1',
        '?a=%2F&b=%65',
        '?next=/api/items/special',
        '?;a=b',
        '??x',
        '?%zz',
        '?x=1#y',
      ]),
  }),
  prefix: (t, random) => {
    const version = /^\/api\/v(\d)(?=\/)/.exec(t.path);
    if (version !== null && random.chance(0.6)) {
      const replacement = random.pick([
        '',
        '/V1',
        '/v01',
        '/v3',
        version[1] === '1' ? '/v2' : '/v1',
      ]);
      return withPath(t, `/api${replacement}${t.path.slice(version[0].length)}`);
    }
    if (t.path.startsWith('/api/') || t.path === '/api') {
      const replacement = random.pick(['', '/API', '/Api', '/api/api', '/ap%69', '/api/v1']);
      return withPath(t, replacement + t.path.slice(4) || '/');
    }
    return withPath(t, `/api${t.path}`);
  },
  'bad-escape': (t, random) => {
    const slashes = positions(t.path, (c) => c === '/');
    const index = random.pick([...slashes.map((i) => i + 1), t.path.length]);
    const escape = random.pick(['%', '%zz', '%E0%A4', '%00', '%C0%AF', '%C3%A9', '%25', '%ff']);
    return withPath(t, t.path.slice(0, index) + escape + t.path.slice(index));
  },
  long: (t, random) => {
    const long = 'x'.repeat(95 + random.int(40));
    const last = t.path.lastIndexOf('/');
    return withPath(
      t,
      random.chance(0.5) ? `${t.path.slice(0, last + 1)}${long}` : `${t.path}/${long}`,
    );
  },
  absolute: (t, random) =>
    t.authority === undefined
      ? {
          ...t,
          authority: random.pick(['http://127.0.0.1', 'http://localhost:1', 'HTTP://example.com']),
        }
      : undefined,
  fragment: (t) => ({ ...t, rest: `${t.rest}#frag` }),
};

/** How often each mutation is drawn, relative to the others. */
const WEIGHTS: Readonly<Record<MutationName, number>> = {
  'pct-letter': 6,
  'pct-slash': 2,
  'pct-dot': 2,
  case: 5,
  'trailing-slash': 5,
  'dup-slash': 3,
  'dot-segment': 3,
  matrix: 3,
  query: 4,
  prefix: 4,
  'bad-escape': 2,
  long: 1,
  absolute: 1,
  fragment: 1,
};

const WEIGHTED_NAMES = (Object.entries(WEIGHTS) as [MutationName, number][]).flatMap(
  ([name, weight]) => Array.from({ length: weight }, () => name),
);

const WORDS = ['nowhere', 'items2', 'x', 'special', 'v1', 'api', 'docs', 'files', 'me', '..', '.'];

function randomPath(random: Random): string {
  const segments = Array.from({ length: random.int(4) }, () => random.pick(WORDS));
  const path = `/${segments.join('/')}`;
  return random.chance(0.5) ? `/api${path === '/' ? '' : path}` : path;
}

function split(target: string): Split {
  const authority = /^[a-z]+:\/\/[^/?#]*/i.exec(target)?.[0];
  const afterAuthority = authority === undefined ? target : target.slice(authority.length);
  const at = afterAuthority.search(/[?#]/);
  return {
    authority,
    path: at === -1 ? afterAuthority : afterAuthority.slice(0, at),
    rest: at === -1 ? '' : afterAuthority.slice(at),
  };
}

/** Applies one mutation by name, or returns the target as it was where it does not apply. */
export function mutate(target: string, name: MutationName, random: Random): string {
  const mutated = MUTATIONS[name](split(target), random);
  return mutated === undefined ? target : (mutated.authority ?? '') + mutated.path + mutated.rest;
}

/**
 * Generates `count` distinct targets: the samples as they are, then mutants of them (1 to 3
 * mutations each) and a few unrelated paths. Each gets GET, HEAD, its sample's methods and now and
 * then one more, so that requests for methods no route takes are covered too.
 */
export function generateTargets(
  samples: readonly Sample[],
  count: number,
  random: Random,
): GeneratedTarget[] {
  const targets = new Map<string, GeneratedTarget>();
  const methodsFor = (sample: Sample | undefined): string[] => {
    const methods = new Set(['GET', 'HEAD', ...(sample?.methods ?? [])]);
    if (random.chance(0.4)) methods.add(random.pick(OTHER_METHODS));
    return [...methods];
  };
  for (const sample of samples) {
    targets.set(sample.path, {
      target: sample.path,
      sample: sample.path,
      mutations: [],
      methods: methodsFor(sample),
    });
  }
  let attempts = 0;
  while (targets.size < count && attempts++ < count * 20) {
    if (random.chance(0.05)) {
      const target = randomPath(random);
      if (!targets.has(target))
        targets.set(target, {
          target,
          sample: 'random',
          mutations: [],
          methods: methodsFor(undefined),
        });
      continue;
    }
    const sample = random.pick(samples);
    const rounds = random.pick([1, 1, 1, 2, 2, 2, 3]);
    let target = sample.path;
    const applied: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const name = random.pick(WEIGHTED_NAMES);
      const next = mutate(target, name, random);
      if (next !== target) applied.push(name);
      target = next;
    }
    if (targets.has(target)) continue;
    targets.set(target, {
      target,
      sample: sample.path,
      mutations: applied,
      methods: methodsFor(sample),
    });
  }
  return [...targets.values()];
}

/**
 * A neighbour of a target that a router may fold into it, or a path cache may confuse with it: the
 * trailing slash toggled, or the case changed.
 */
export function siblingOf(target: string, random: Random): string {
  return mutate(target, random.chance(0.7) ? 'trailing-slash' : 'case', random);
}
