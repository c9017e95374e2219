/** Origin patterns (`https://*.example.com`): parsing, and refusing those that cover public suffixes. */
import type { CorsProblemCode, ProblemList } from '../errors/cors-configuration-error.js';
import { isPublicSuffix } from './public-suffix.js';
import { defaultPortOf, parsePort, parseSerializedOrigin } from './serialized-origin.js';

/**
 * A configured origin, parsed once at startup:
 * - `exact`: one origin, compared byte for byte;
 * - `subdomains`: `scheme://*.suffix[:port]`, one or more labels in front of `suffix`, not `suffix`
 *   itself;
 * - `any-port`: `scheme://host:*`, the host on any port, its scheme's default included.
 */
export type OriginPattern =
  | {
      readonly kind: 'exact';
      readonly origin: string;
      readonly scheme: string;
      readonly host: string;
    }
  | {
      readonly kind: 'subdomains';
      readonly scheme: string;
      /** The host after `*.`. */
      readonly host: string;
      readonly port: number | undefined;
    }
  | { readonly kind: 'any-port'; readonly scheme: string; readonly host: string };

/**
 * Parses one configured origin string, reporting every reason it cannot be an origin to `problems`.
 *
 * @returns the pattern, or `undefined` when a problem was reported.
 */
export function parseOriginPattern(
  raw: string,
  option: string,
  problems: ProblemList,
): OriginPattern | undefined {
  const report = (code: CorsProblemCode, problem: string, fix: string): undefined => {
    problems.add(code, option, raw, problem, fix);
    return undefined;
  };

  if (raw === 'null') {
    return report(
      'origin-null',
      'is the origin of every sandboxed iframe and every data: or file: document, so allowing it allows pages anyone can make',
      'remove it; if you really must allow such documents, set `dangerouslyAllowNullOrigin: true`',
    );
  }
  if (raw.includes(',')) {
    // Nest's enableCors() takes no comma-separated origin list either; a list is an array.
    const listed = raw
      .split(',')
      .map((origin) => JSON.stringify(origin.trim()))
      .filter((origin) => origin !== '""');
    return report(
      'origin-several-in-one',
      'is several origins in one string, which no Origin header can equal',
      `write them as an array: [${listed.join(', ')}]`,
    );
  }
  if (raw.trim() !== raw || raw.length === 0) {
    return report(
      'origin-whitespace',
      'is empty or has whitespace around it',
      'write the origin alone, such as "https://app.example.com"',
    );
  }
  const schemeEnd = raw.indexOf('://');
  if (schemeEnd <= 0) {
    return report(
      'origin-no-scheme',
      'has no scheme, so it is not an origin',
      `write it with its scheme, such as "https://${raw}"`,
    );
  }
  const scheme = raw.slice(0, schemeEnd).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    return report(
      'origin-invalid-scheme',
      `has an invalid scheme "${scheme}"`,
      'write a scheme such as "https"',
    );
  }
  const afterScheme = raw.slice(schemeEnd + 3);
  const authorityEnd = afterScheme.search(/[/?#]/);
  const authority = authorityEnd === -1 ? afterScheme : afterScheme.slice(0, authorityEnd);
  const suggestion = `${scheme}://${authority.toLowerCase()}`;
  if (authorityEnd !== -1) {
    const rest = afterScheme.slice(authorityEnd);
    const what =
      rest === '/'
        ? 'has a trailing slash'
        : rest.startsWith('?')
          ? 'has a query'
          : rest.startsWith('#')
            ? 'has a fragment'
            : 'has a path';
    return report(
      'origin-not-serialized',
      `${what}, but a browser's Origin header never does, so no request can ever match it`,
      `write "${suggestion}"`,
    );
  }
  if (authority.includes('@')) {
    return report(
      'origin-not-serialized',
      "has user info, but a browser's Origin header never does, so no request can ever match it",
      `write "${scheme}://${authority.slice(authority.lastIndexOf('@') + 1).toLowerCase()}"`,
    );
  }

  // Split host and port, minding IPv6 literals, whose colons are inside brackets.
  const portSeparator = authority.lastIndexOf(':');
  const hasPort = portSeparator !== -1 && portSeparator > authority.lastIndexOf(']');
  let host = (hasPort ? authority.slice(0, portSeparator) : authority).toLowerCase();
  const portText = hasPort ? authority.slice(portSeparator + 1) : undefined;

  if (/[^\x21-\x7e]/.test(host)) {
    const ascii = toAsciiHost(scheme, host.replace(/^\*\./, ''));
    return report(
      'origin-not-ascii',
      'has a host that is not in ASCII, but browsers send the punycode form',
      ascii === undefined
        ? 'write the host in its punycode form'
        : `write the host as "${host.startsWith('*.') ? '*.' : ''}${ascii}"`,
    );
  }

  let port: number | 'any' | undefined;
  if (portText === '*') {
    port = 'any';
  } else if (portText !== undefined) {
    port = parsePort(portText, 0);
    if (port === undefined) {
      return report(
        'origin-invalid-port',
        `has an invalid port "${portText}"`,
        'write a port between 0 and 65535 without leading zeros',
      );
    }
    if (port === defaultPortOf(scheme)) {
      return report(
        'origin-default-port',
        `writes out the default port ${port}, which a browser's Origin header leaves out, so no request can ever match it`,
        `write "${scheme}://${host}"`,
      );
    }
  }

  const isSubdomainPattern = host.startsWith('*.');
  if (isSubdomainPattern) host = host.slice(2);
  if (host.includes('*')) {
    return report(
      'origin-misplaced-wildcard',
      'has a wildcard that is not a whole leftmost label',
      'write the wildcard as the first label only, such as "https://*.example.com" (which matches one or more labels before example.com)',
    );
  }
  const serializedPort = typeof port === 'number' ? `:${port}` : '';
  if (parseSerializedOrigin(`${scheme}://${host}${serializedPort}`) === undefined) {
    return report(
      'origin-invalid-host',
      `has an invalid host "${host}"`,
      'write a host name, an IPv4 address or a bracketed IPv6 address',
    );
  }

  if (isSubdomainPattern) {
    if (port === 'any') {
      return report(
        'origin-misplaced-wildcard',
        'combines a subdomain wildcard with a port wildcard',
        'list the ports you use, such as "https://*.example.com:8443"',
      );
    }
    if (host.startsWith('[') || /^[0-9.]+$/.test(host)) {
      return report(
        'origin-misplaced-wildcard',
        'puts a subdomain wildcard over an IP address',
        'list the exact origins instead',
      );
    }
    if (isPublicSuffix(host)) {
      return report(
        'origin-public-suffix-wildcard',
        `puts a wildcard over "${host}", a suffix under which anyone can register a domain`,
        `write the wildcard over a domain you control, such as "${scheme}://*.your-domain.${host}"`,
      );
    }
    return { kind: 'subdomains', scheme, host, port };
  }
  if (port === 'any') return { kind: 'any-port', scheme, host };
  return { kind: 'exact', origin: `${scheme}://${host}${serializedPort}`, scheme, host };
}

function toAsciiHost(scheme: string, host: string): string | undefined {
  try {
    return new URL(`${scheme === 'http' || scheme === 'https' ? scheme : 'https'}://${host}`)
      .hostname;
  } catch {
    return undefined;
  }
}

/** Whether `host` is the local machine, where plain http cannot be intercepted by a network. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
