// The sample page: calls the API on another origin once per case and shows, in a table, what the
// browser let the page see. Plain browser JavaScript, no build step. window.SAMPLE comes from
// /config.js, written by the page server at each load: { apiUrl, allowedOrigin, otherOrigin,
// allowedOrigins }, the last being the origins the API's default policy lists at that moment.
'use strict';
/* global showTrials -- from trials.js, loaded before this script */

const { apiUrl, allowedOrigin, otherOrigin, allowedOrigins } = window.SAMPLE;
/** Whether the default policy in force allows this page's origin (CORS_ORIGINS, or the admin endpoint). */
const onAllowedOrigin = allowedOrigins.includes(location.origin);
const BLOCKED = 'blocked';
const ADMIN_PATH = '/api/admin/cors/origins';

/**
 * The cases, in the order they run (signing in comes before reading the cookie back). `expect`
 * says what the page should see on the allowed origin and on the other one: a status (and the
 * X-Report-Version header the page can read, or null when the browser hides it), or BLOCKED.
 */
const CASES = [
  {
    id: 'default',
    title: 'Module default',
    policy: 'CorsModule.forRootAsync: origin from CORS_ORIGINS',
    request: { method: 'GET', path: '/api/status' },
    expect: { allowed: { status: 200 }, other: BLOCKED },
  },
  {
    id: 'controller',
    title: 'Controller @Cors',
    policy:
      "@Cors({ methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'], credentials: true })",
    request: {
      method: 'PUT',
      path: '/api/books/1',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'The Pragmatic Programmer' }),
      note: 'JSON, preflighted',
    },
    expect: { allowed: { status: 200 }, other: BLOCKED },
  },
  {
    id: 'handler',
    title: 'Handler override',
    policy: "@Cors({ methods: ['DELETE'], allowedHeaders: ['X-Confirm'] })",
    request: {
      method: 'DELETE',
      path: '/api/books/2',
      headers: { 'X-Confirm': 'dry-run' },
      note: 'X-Confirm, preflighted',
    },
    expect: { allowed: { status: 200 }, other: BLOCKED },
  },
  {
    id: 'sibling',
    title: 'The override is not the controller’s',
    policy: 'the controller’s: X-Confirm is not in allowedHeaders',
    request: {
      method: 'PUT',
      path: '/api/books/1',
      headers: { 'Content-Type': 'application/json', 'X-Confirm': 'dry-run' },
      body: JSON.stringify({ title: 'The Pragmatic Programmer' }),
      note: 'X-Confirm, preflighted',
    },
    expect: { allowed: BLOCKED, other: BLOCKED },
  },
  {
    id: 'public',
    title: 'Named policy',
    policy: "@Cors('public'): { origin: '*' }",
    request: { method: 'GET', path: '/api/books/catalog' },
    expect: { allowed: { status: 200 }, other: { status: 200 } },
  },
  {
    id: 'sign-in',
    title: 'Credentials: set a cookie',
    policy: '@Cors({ credentials: true })',
    request: { method: 'POST', path: '/api/session', credentials: 'include' },
    expect: { allowed: { status: 201 }, other: BLOCKED },
  },
  {
    id: 'session',
    title: 'Credentials: cookie sent back',
    policy: '@Cors({ credentials: true })',
    request: { method: 'GET', path: '/api/session', credentials: 'include' },
    expect: { allowed: { status: 200 }, other: BLOCKED },
  },
  {
    id: 'csrf',
    title: 'CSRF protection: a write CORS vouches for',
    policy:
      '@Cors({ credentials: true }), under app.enableCsrfProtection({ exclude: corsTrusted(app) })',
    request: {
      method: 'PUT',
      path: '/api/session',
      credentials: 'include',
      note: 'preflighted; passes CSRF because CORS allows this origin by name with credentials',
    },
    expect: { allowed: { status: 200 }, other: BLOCKED },
  },
  {
    id: 'csrf-refused',
    title: 'CSRF protection: a write CORS does not vouch for',
    policy: 'module default: no credentials, so corsTrusted(app) does not exempt it',
    request: {
      method: 'PUT',
      path: '/api/status',
      note: "preflighted; CSRF's 403, readable because CORS allows this origin",
    },
    expect: { allowed: { status: 403 }, other: BLOCKED },
  },
  {
    id: 'no-credentials',
    title: 'Credentials, policy without them',
    policy: 'module default: no credentials',
    request: { method: 'GET', path: '/api/status', credentials: 'include' },
    expect: { allowed: BLOCKED, other: BLOCKED },
  },
  {
    id: 'off',
    title: 'CORS off',
    policy: '@Cors(false)',
    request: { method: 'GET', path: '/api/internal/metrics' },
    expect: { allowed: BLOCKED, other: BLOCKED },
  },
  {
    id: 'guard',
    title: 'Guard answers 401',
    policy: 'module default, @UseGuards(AuthGuard)',
    request: { method: 'GET', path: '/api/account/orders' },
    expect: { allowed: { status: 401 }, other: BLOCKED },
  },
  {
    id: 'exposed',
    title: 'Exposed header',
    policy: "@Cors({ exposedHeaders: ['X-Report-Version'] })",
    request: { method: 'GET', path: '/api/reports/latest' },
    expect: { allowed: { status: 200, header: '2026.11' }, other: BLOCKED },
  },
  {
    id: 'not-exposed',
    title: 'Header not exposed',
    policy: 'module default: sent, not exposed; with a trial (see below)',
    request: { method: 'GET', path: '/api/reports/draft' },
    expect: { allowed: { status: 200, header: null }, other: BLOCKED },
  },
  {
    id: 'not-found',
    title: 'Unknown path: 404',
    policy: 'module default',
    request: { method: 'GET', path: '/api/nowhere' },
    expect: { allowed: { status: 404 }, other: BLOCKED },
  },
  {
    id: 'admin',
    title: 'A page cannot allow itself',
    policy: '@Cors(false), loopback and a token',
    request: {
      method: 'POST',
      path: ADMIN_PATH,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ origin: location.origin }),
      note: 'JSON, preflighted: never sent',
    },
    expect: { allowed: BLOCKED, other: BLOCKED },
  },
  {
    id: 'gateway',
    title: 'WebSocket gateway',
    policy: "@WebSocketGateway({ namespace: 'live' }) with CorsIoAdapter: the module default",
    request: { method: 'WS', path: '/live', socket: true, note: 'socket.io, ping and its answer' },
    expect: { allowed: { status: 101 }, other: BLOCKED },
  },
];

/** Calls the API and returns what the page could see. */
async function call(request) {
  if (request.socket) return openGateway(request);
  try {
    const response = await fetch(apiUrl + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      credentials: request.credentials ?? 'same-origin',
      // No `cache: 'no-store'` here: Chromium would skip its preflight cache too, and CORS_MAX_AGE
      // would have no effect.
    });
    return {
      outcome: 'readable',
      status: response.status,
      body: await response.text(),
      header: response.headers.get('X-Report-Version'),
    };
  } catch (error) {
    return { outcome: BLOCKED, error: String(error) };
  }
}

let socketIoClient;

/** socket.io's browser client, as the API's server serves it (a script may come from anywhere). */
function loadSocketIoClient() {
  socketIoClient ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${apiUrl}/socket.io/socket.io.js`;
    script.onload = () => resolve(window.io);
    script.onerror = () => reject(new Error('the socket.io client did not load'));
    document.head.append(script);
  });
  return socketIoClient;
}

/**
 * Opens the gateway over a WebSocket, sends `ping` and waits for the answer. From an origin the
 * gateway's policy does not allow, the upgrade is refused with 403 before the gateway runs.
 */
async function openGateway(request) {
  let socket;
  try {
    const io = await loadSocketIoClient();
    socket = io(apiUrl + request.path, {
      transports: ['websocket'],
      reconnection: false,
      timeout: 5000,
    });
    const body = await new Promise((resolve, reject) => {
      socket.on('connect_error', reject);
      socket.on('connect', () => socket.emit('ping', 'hello', resolve));
    });
    return { outcome: 'readable', status: 101, body, header: null };
  } catch (error) {
    return { outcome: BLOCKED, error: `WebSocket refused (${String(error)})` };
  } finally {
    socket?.close();
  }
}

function describeExpected(expected) {
  if (expected === BLOCKED) return 'CORS error';
  if (expected.header === undefined) return `${expected.status}, readable`;
  return `${expected.status}, header ${expected.header === null ? 'hidden' : 'readable'}`;
}

function matches(expected, seen) {
  if (expected === BLOCKED) return seen.outcome === BLOCKED;
  return (
    seen.outcome === 'readable' &&
    seen.status === expected.status &&
    (expected.header === undefined || seen.header === expected.header)
  );
}

function cell(row, className, text) {
  const td = document.createElement('td');
  td.className = className;
  td.textContent = text;
  row.append(td);
  return td;
}

function shorten(text, length = 70) {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

let running = false;

async function run() {
  if (running) return;
  running = true;
  document.body.dataset.state = 'running';
  const tbody = document.querySelector('#results tbody');
  tbody.replaceChildren();
  let matched = 0;
  for (const testCase of CASES) {
    const expected = onAllowedOrigin ? testCase.expect.allowed : testCase.expect.other;
    const row = document.createElement('tr');
    row.dataset.case = testCase.id;
    row.dataset.outcome = 'pending';
    cell(row, 'title', testCase.title);
    const request = cell(row, 'request', `${testCase.request.method} ${testCase.request.path}`);
    const extras = [testCase.request.note, testCase.request.credentials && 'with cookies'];
    for (const extra of extras.filter(Boolean)) {
      const small = document.createElement('small');
      small.textContent = extra;
      request.append(small);
    }
    cell(row, 'policy', testCase.policy);
    cell(row, 'expected', describeExpected(expected));
    const status = cell(row, 'status', '…');
    const body = cell(row, 'body', '');
    const header = cell(row, 'header', '');
    const verdict = cell(row, 'verdict', '');
    tbody.append(row);

    const seen = await call(testCase.request);
    row.dataset.outcome = seen.outcome;
    if (seen.outcome === BLOCKED) {
      status.textContent = '—';
      body.textContent = seen.error;
      body.classList.add('error');
    } else {
      row.dataset.status = String(seen.status);
      status.textContent = String(seen.status);
      body.textContent = shorten(seen.body);
      body.title = seen.body;
      header.textContent = seen.header ?? (expected.header === null ? '(hidden)' : '');
    }
    const ok = matches(expected, seen);
    if (ok) matched += 1;
    row.dataset.match = ok ? 'yes' : 'no';
    verdict.textContent = ok ? '✓' : '✗';
    verdict.title = ok ? 'as expected' : 'not what this origin should see';
    row.classList.add(seen.outcome, ok ? 'as-expected' : 'unexpected');
  }
  document.querySelector('#summary').textContent =
    `${matched} of ${CASES.length} cases as expected on this origin.`;
  // After the cases, so that the counts include this run's call to the trialled route (trials.js).
  await showTrials(apiUrl);
  document.body.dataset.state = 'done';
  running = false;
}

function showWhere() {
  document.querySelector('#page-origin').textContent = location.origin;
  document.querySelector('#api-url').textContent = `${apiUrl}/api`;
  const badge = document.querySelector('#origin-badge');
  const link = document.querySelector('#switch-origin');
  document.body.classList.add(onAllowedOrigin ? 'on-allowed' : 'on-other');
  if (!onAllowedOrigin) badge.textContent = 'not allowed: watch the calls fail';
  else if (location.origin === allowedOrigin) badge.textContent = 'allowed by CORS_ORIGINS';
  else badge.textContent = 'allowed by the policy in force';
  if (location.origin === allowedOrigin) {
    const otherAllowed = allowedOrigins.includes(otherOrigin);
    link.textContent = otherAllowed
      ? `Open this page on ${otherOrigin}, now allowed too →`
      : `Open this page on ${otherOrigin}, an origin the API does not allow →`;
    link.href = `${otherOrigin}/`;
  } else {
    link.textContent = `← Back to ${allowedOrigin}, the allowed origin`;
    link.href = `${allowedOrigin}/`;
  }
}

/**
 * The admin endpoint, shown rather than called: it is `@Cors(false)`, answers only on the API's
 * machine and wants a token that the page does not have. The command adds this page's origin when
 * it is not allowed, else the other page's; once the policy changes, reloading shows the calls
 * succeed. The page learns the origins in force from /config.js at each load.
 */
function showAdmin() {
  const here = location.origin;
  const target = !onAllowedOrigin
    ? here
    : allowedOrigins.includes(otherOrigin)
      ? undefined
      : otherOrigin;
  const lead = document.querySelector('#admin-lead');
  const command = document.querySelector('#admin-command');
  const after = document.querySelector('#admin-after');
  document.querySelector('#admin-origins').textContent = allowedOrigins.join(', ') || '(none)';
  if (target === undefined) {
    lead.textContent =
      'Both origins are allowed now. The origins in force, from the API’s machine:';
    command.textContent = `curl ${apiUrl}${ADMIN_PATH} -H "Authorization: Bearer $CORS_ADMIN_TOKEN"`;
    after.textContent = 'A restart of the API forgets what the admin endpoint added.';
    return;
  }
  lead.textContent = `Allow ${target} while the API runs: the admin endpoint calls CorsPolicies.replace(). Run this on the API’s machine (pages cannot call it):`;
  command.textContent = [
    `curl -X POST ${apiUrl}${ADMIN_PATH} \\`,
    `  -H "Authorization: Bearer $CORS_ADMIN_TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({ origin: target })}'`,
  ].join('\n');
  after.textContent =
    target === here
      ? 'Then reload this page: the same calls succeed. $CORS_ADMIN_TOKEN: the token the terminal printed at startup, or the one you configured.'
      : `Then open the page on ${target}: the same calls succeed there. $CORS_ADMIN_TOKEN: the token the terminal printed at startup, or the one you configured.`;
}

showWhere();
showAdmin();
document.querySelector('#reload').addEventListener('click', () => location.reload());
document.querySelector('#run').addEventListener('click', () => void run());
void run();
