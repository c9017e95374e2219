/**
 * The probes of the WebSocket attack suite (websockets.e2e-spec.ts): engine.io queries and origin
 * headers of handshakes, each from an origin that no policy of the probed server allows, written
 * as a page's script or a hostile client could send them. Tables for the forms that matter most,
 * samples (fixed seed, the same in every run) for their combinations.
 */
import fc from 'fast-check';
import { APPROVING_HEADER_NAMES } from '../../lib/engine';
import { APP, EVIL, NEUTRAL } from '../e2e/fixtures/origins';
import { FAILING_TENANT } from '../e2e/fixtures/websocket-gateways-app';
import type { WireRequest } from '../e2e/fixtures/websocket-wire';

type Header = readonly [name: string, value: string];

/**
 * Origin headers that come from no allowed origin: none of them is exactly one a policy lists,
 * and a browser would send none of them from an allowed page. Without any origin header a request
 * is not from a browser and passes, so every form has one.
 */
export const ORIGIN_FORMS: readonly (readonly [what: string, headers: readonly Header[]])[] = [
  ['a refused Origin', [['Origin', EVIL]]],
  ['Origin: null', [['Origin', 'null']]],
  ['an empty Origin', [['Origin', '']]],
  ['an allowed origin with a trailing slash', [['Origin', `${APP}/`]]],
  ['an allowed origin in mixed case', [['Origin', 'https://APP.example.com']]],
  ['an allowed origin with an upper-case scheme', [['Origin', 'HTTPS://app.example.com']]],
  ['an allowed origin with its default port', [['Origin', `${APP}:443`]]],
  [
    'Origin repeated, refused first',
    [
      ['Origin', EVIL],
      ['Origin', APP],
    ],
  ],
  [
    'Origin repeated, allowed first',
    [
      ['Origin', APP],
      ['Origin', EVIL],
    ],
  ],
  [
    'Origin repeated, the same allowed origin twice',
    [
      ['Origin', APP],
      ['Origin', APP],
    ],
  ],
  ['a refused ORIGIN (upper-case name)', [['ORIGIN', EVIL]]],
  ["a per-request policy's origin without its tenant", [['Origin', NEUTRAL]]],
  [
    "a per-request policy's origin, its policy failing",
    [
      ['Origin', NEUTRAL],
      ['X-Tenant', FAILING_TENANT],
    ],
  ],
  ['a refused Sec-WebSocket-Origin alone', [['Sec-WebSocket-Origin', EVIL]]],
  ['a refused SEC-WEBSOCKET-ORIGIN alone', [['SEC-WEBSOCKET-ORIGIN', EVIL]]],
  ['Sec-WebSocket-Origin: null alone', [['Sec-WebSocket-Origin', 'null']]],
  ['an empty Sec-WebSocket-Origin alone', [['Sec-WebSocket-Origin', '']]],
  [
    'an allowed Origin and a refused Sec-WebSocket-Origin',
    [
      ['Origin', APP],
      ['Sec-WebSocket-Origin', EVIL],
    ],
  ],
  [
    'a refused Origin and an allowed Sec-WebSocket-Origin',
    [
      ['Origin', EVIL],
      ['Sec-WebSocket-Origin', APP],
    ],
  ],
  [
    'an allowed Origin and Sec-WebSocket-Origin with a trailing slash',
    [
      ['Origin', APP],
      ['Sec-WebSocket-Origin', `${APP}/`],
    ],
  ],
  [
    'Sec-WebSocket-Origin repeated, allowed first',
    [
      ['Sec-WebSocket-Origin', APP],
      ['Sec-WebSocket-Origin', EVIL],
    ],
  ],
];

/** Every way one engine.io query parameter is written here: absent, empty, bare, repeated... */
function parameterForms(name: string, values: readonly string[]): string[] {
  const value = values[0]!;
  const hex = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  return [
    '',
    ...values.map((v) => `${name}=${v}`),
    name,
    `${name}=`,
    `${name}=${value}&${name}=`,
    `${name}=&${name}=${value}`,
    `${name}=${value}&${name}=${value}`,
    `${hex(name.slice(0, 1))}${name.slice(1)}=`,
    `${hex(name)}=${value}`,
    `${name.toUpperCase()}=${value}`,
    `${name}[]=${value}`,
    `${name}=%00`,
    `${name}=${'x'.repeat(300)}`,
  ];
}

/** `sid` values that name no session: the attacker cannot know one a victim's page opened. */
export const SID_FORMS = parameterForms('sid', [
  'x',
  'AAAAAAAAAAAAAAAAAAAA',
  '__proto__',
  'constructor',
  'toString',
  '%20',
]);
const EIO_FORMS = parameterForms('EIO', ['4', '3', '5', 'x', '04']);
const TRANSPORT_FORMS = parameterForms('transport', [
  'polling',
  'websocket',
  'webtransport',
  'POLLING',
  '%70olling',
]);
const J_FORMS = parameterForms('j', ['0']);
const B64_FORMS = parameterForms('b64', ['1']);

/** A query of every parameter in one of its forms, in any order, after an odd start or none. */
export const QUERIES: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '&', ';x=1&', '?'),
    ...[SID_FORMS, EIO_FORMS, TRANSPORT_FORMS, J_FORMS, B64_FORMS].map((forms) =>
      fc.constantFrom(...forms),
    ),
  )
  .chain(([start, ...parts]) => {
    const present = parts.filter((part) => part !== '');
    return fc
      .shuffledSubarray(present, { minLength: present.length, maxLength: present.length })
      .map((shuffled) => `?${start}${shuffled.join('&')}`);
  });

/** How a probe reaches engine.io: a polling GET or POST, a preflight, a WebSocket upgrade. */
export type Kind = 'poll' | 'post' | 'preflight' | 'upgrade';
export const KINDS: readonly Kind[] = ['poll', 'post', 'preflight', 'upgrade'];

/** One request from a refused origin. */
export interface Probe {
  readonly kind: Kind;
  /** The path and query, as written on the request line. */
  readonly target: string;
  /** What its origin headers are (an ORIGIN_FORMS entry). */
  readonly from: string;
  readonly headers: readonly Header[];
  /** `Sec-WebSocket-Version` of an upgrade: 8 is the version that sent Sec-WebSocket-Origin. */
  readonly version?: '13' | '8';
}

/** The request a probe sends: its origin headers, and what its kind adds. */
export function wireRequestOf(probe: Probe): WireRequest {
  const extra: Header[] = [];
  let method = 'GET';
  let body: string | undefined;
  if (probe.kind === 'upgrade') {
    extra.push(
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Version', probe.version ?? '13'],
    );
  } else if (probe.kind === 'post') {
    method = 'POST';
    body = '40/live,';
    extra.push(['Content-Type', 'text/plain;charset=UTF-8']);
  } else if (probe.kind === 'preflight') {
    method = 'OPTIONS';
    extra.push(['Access-Control-Request-Method', 'POST']);
    extra.push(['Access-Control-Request-Headers', 'content-type']);
  }
  return { method, target: probe.target, headers: [...probe.headers, ...extra], body };
}

/** An answer over HTTP/1.1 (`WireAnswer`) or HTTP/2 (`Received`). */
export interface ProbeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly error?: string;
}

/**
 * What is wrong with an answer to a probe from a refused origin: a WebSocket opened (101), a
 * polling request served (2xx: a session opened, or a request of one answered), an approving CORS
 * header, a server error, or no answer at all. A preflight may be answered, approving nothing.
 */
export function findingsOf(probe: Probe, answer: ProbeAnswer): string[] {
  const what = `${probe.kind} ${probe.target} from ${probe.from}${probe.version === '8' ? ' (version 8)' : ''}`;
  const found: string[] = [];
  if (answer.status === 0) found.push(`${what}: no answer (${answer.error ?? '?'})`);
  if (answer.status >= 500) found.push(`${what}: ${answer.status}`);
  if (answer.status === 101) found.push(`${what}: 101, a WebSocket opened`);
  if (probe.kind !== 'preflight' && answer.status >= 200 && answer.status < 300)
    found.push(`${what}: ${answer.status} ${JSON.stringify(answer.body.slice(0, 60))}`);
  for (const name of APPROVING_HEADER_NAMES)
    if (answer.headers[name.toLowerCase()] !== undefined)
      found.push(`${what}: ${name}: ${answer.headers[name.toLowerCase()]}`);
  return found;
}
