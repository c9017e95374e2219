// The page's "Trying a stricter policy" section: after each run, the trials' counts, read from the
// API's GET /api/cors/trials (CorsPolicies.trialCounts()). The API's one trial is on
// GET /api/reports/draft, a route the table calls once per run, so each "Run again" adds to them.
//
// The counts name origins that clients sent in their Origin header: anyone can send any text
// there. Everything is written with textContent, never as HTML.
//
// A classic script, loaded before app.js, which calls showTrials() at the end of each run; its
// names start with "trial" so that they cannot collide with app.js's (both share the page's scope).
'use strict';
/* exported showTrials -- called by app.js */

const TRIALS_PATH = '/api/cors/trials';

/** What each kind of difference would mean for a page (the package's README says the same). */
const TRIAL_DIFFERENCES = {
  refuses: 'the trial would refuse what the policy in force allows: the call would fail',
  allows: 'the trial would allow what the policy in force refuses',
  'drops-credentials': 'the trial would answer without credentials: no more cookies',
  'exposes-fewer-headers': 'the trial would hide a response header that the page reads now',
  'answers-differently':
    'the trial would answer with other CORS headers, which change nothing the page can do',
};

/** The counts, or why the page could not read them (a CORS error on an origin not allowed). */
async function readTrialCounts(apiUrl) {
  try {
    // The counts change with every run: never from the browser's cache.
    const response = await fetch(apiUrl + TRIALS_PATH, { cache: 'no-store' });
    if (!response.ok) return { error: `${response.status} from GET ${TRIALS_PATH}` };
    return { counts: await response.json() };
  } catch (error) {
    return { error: String(error) };
  }
}

/** An element with a class and a text, for the section's DOM (textContent only). */
function trialElement(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A table with a header row and one row per item, each cell a text. */
function trialTable(className, headings, rows) {
  const table = trialElement('table', className);
  const head = table.createTHead().insertRow();
  for (const heading of headings) head.append(trialElement('th', '', heading));
  const body = table.createTBody();
  for (const { data, cells, here } of rows) {
    const row = body.insertRow();
    Object.assign(row.dataset, data);
    if (here) row.classList.add('here');
    for (const [className, text] of cells) row.append(trialElement('td', className, text));
  }
  return table;
}

/** One route's counts: its total, the count per difference, and the origins seen most. */
function trialRoute(route) {
  const block = trialElement('div', 'trial-route');
  block.dataset.route = route.route;
  const title = trialElement('h3');
  title.append(trialElement('code', '', route.route), ' ');
  const total = trialElement('span', 'total', String(route.total));
  title.append(total, ` request${route.total === 1 ? '' : 's'} answered differently by the trial`);
  block.append(title);
  block.append(
    trialTable(
      'trial-differences',
      ['Difference', 'Requests', 'What it means'],
      Object.entries(route.differences).map(([difference, count]) => ({
        data: { difference },
        cells: [
          ['difference', difference],
          ['count', String(count)],
          ['meaning', TRIAL_DIFFERENCES[difference] ?? ''],
        ],
      })),
    ),
  );
  block.append(
    trialTable(
      'trial-origins',
      ['Origin', 'Difference', 'Requests'],
      route.topOrigins.map(({ origin, difference, count }) => ({
        data: { origin, difference },
        here: origin === location.origin,
        cells: [
          ['origin', origin],
          ['difference', difference],
          ['count', String(count)],
        ],
      })),
    ),
  );
  return block;
}

/** The sentence above the counts: what the trial would do to this very page. */
function trialVerdict(counts) {
  const refusedHere = counts.routes
    .flatMap((route) => route.topOrigins)
    .filter((top) => top.origin === location.origin && top.difference === 'refuses')
    .reduce((sum, top) => sum + top.count, 0);
  if (refusedHere > 0) {
    return [
      'refuses-here',
      `The trial would refuse this origin: ${refusedHere} request${refusedHere === 1 ? '' : 's'} from it so far, each answered by the policy in force as before. Enforced, it would break this page.`,
    ];
  }
  if (counts.routes.length === 0) return ['none', 'No request answered differently yet.'];
  return ['elsewhere', 'The trial would answer other origins differently, not this one.'];
}

/** Reads the counts and shows them in #trials; never throws. */
async function showTrials(apiUrl) {
  const section = document.querySelector('#trials');
  const verdict = document.querySelector('#trials-verdict');
  const since = document.querySelector('#trials-since');
  const routes = document.querySelector('#trials-routes');
  const { counts, error } = await readTrialCounts(apiUrl);
  if (counts === undefined) {
    section.dataset.state = 'unreadable';
    verdict.textContent = `This page may not read the counts: GET ${TRIALS_PATH} is under the module default, which does not allow this origin (${error}).`;
    since.textContent = '';
    routes.replaceChildren();
    return;
  }
  const [state, text] = trialVerdict(counts);
  section.dataset.state = state;
  verdict.textContent = text;
  since.textContent = `Counted since the API started, ${new Date(counts.since).toLocaleString()}; read after each run.`;
  routes.replaceChildren(...counts.routes.map(trialRoute));
}
