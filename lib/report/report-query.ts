/** The report's question, read from its query string; anything malformed is a 400 naming the fix. */
import { isToken } from '../engine/http/tokens.js';
import { MAX_ORIGIN_LENGTH } from '../engine/origin/serialized-origin.js';

/** The report's question, checked: every value fit to go out in a preflight's request line and headers. */
export interface ReportQuestion {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

/** Bounds on what one question may ask: far beyond any real one, and a bound on the work. */
const MAX_METHOD_LENGTH = 64;
const MAX_PATH_LENGTH = 2048;
const MAX_HEADERS_LENGTH = 4096;
const MAX_HEADER_NAMES = 64;

/** Printable ASCII without the space: what a request line and these header values may carry. */
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Reads the question from the report's URL (`?origin=&method=&path=&headers=&credentials=`), or
 * says what is wrong with it, naming the parameter and what to write instead. Never throws.
 */
export function readReportQuestion(url: string): ReportQuestion | string {
  const queryStart = url.indexOf('?');
  const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
  const single = (name: string): string | undefined | Error => {
    const values = query.getAll(name);
    if (values.length > 1)
      return new Error(`${name} is given ${values.length} times: give it once`);
    return values[0];
  };

  const origin = single('origin');
  if (origin instanceof Error) return origin.message;
  if (origin === undefined || origin === '')
    return 'origin is missing: give the page\'s origin, such as "https://app.example.com", or "null"';
  if (origin.length > MAX_ORIGIN_LENGTH)
    return `origin is longer than ${MAX_ORIGIN_LENGTH} characters: give an origin such as "https://app.example.com"`;
  if (!VISIBLE_ASCII.test(origin))
    return 'origin has a space, a control character or a character outside ASCII, which no browser sends: write it as the Origin header carries it, such as "https://app.example.com" (an international domain name in its xn-- form)';

  const method = single('method') ?? 'GET';
  if (method instanceof Error) return method.message;
  if (method.length > MAX_METHOD_LENGTH || !isToken(method))
    return `method is not an HTTP method name (letters, digits and !#$%&'*+-.^_\`|~, at most ${MAX_METHOD_LENGTH}): write one such as "PUT"`;

  const path = single('path') ?? '/';
  if (path instanceof Error) return path.message;
  if (!path.startsWith('/') || path.length > MAX_PATH_LENGTH || !VISIBLE_ASCII.test(path))
    return `path is not a request path: write one that starts with "/", at most ${MAX_PATH_LENGTH} characters, with spaces, control characters and characters outside ASCII percent-encoded, such as "/items/1"`;

  const headerList = single('headers') ?? '';
  if (headerList instanceof Error) return headerList.message;
  if (headerList.length > MAX_HEADERS_LENGTH)
    return `headers is longer than ${MAX_HEADERS_LENGTH} characters: list the names the request sends, such as "x-token, content-type"`;
  const headers = headerList
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (headers.length > MAX_HEADER_NAMES)
    return `headers lists more than ${MAX_HEADER_NAMES} names: list the names the request sends`;
  const invalid = headers.find((name) => !isToken(name));
  if (invalid !== undefined)
    return 'headers has a name that is not an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~): list names separated by commas, such as "x-token, content-type"';

  const credentials = single('credentials');
  if (credentials instanceof Error) return credentials.message;
  // Only the two words: "yes", "on" or "1" read as false would answer a question nobody asked.
  if (credentials !== undefined && credentials !== 'true' && credentials !== 'false')
    return `credentials is ${quoted(credentials)}, which is neither "true" nor "false": write credentials=true for a request with cookies, or credentials=false (or leave it out) for one without`;

  return { origin, method, path, headers, credentials: credentials === 'true' };
}

/** How many characters of a refused value an answer repeats: enough to recognise it. */
const MAX_QUOTED_LENGTH = 64;

/** A refused value as an answer names it: JSON-quoted (controls escaped), cut to a bounded length. */
function quoted(value: string): string {
  return value.length > MAX_QUOTED_LENGTH
    ? `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}...`
    : JSON.stringify(value);
}
