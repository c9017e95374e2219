/** Reads the API version a request asks for, as Nest's version filter does, for route resolution. */
import type { IncomingMessage } from 'node:http';
import { VersioningType, type VersioningOptions } from '@nestjs/common';
import type { VersionReader } from './route-resolution.js';

/**
 * Reads the version a request asks for as Nest's version filter does, where it can be read from
 * the request alone (header and media-type versioning); `undefined` for the other kinds.
 */
export function versionReaderFor(
  versioning: VersioningOptions | undefined,
): VersionReader | undefined {
  if (versioning?.type === VersioningType.HEADER) {
    const name = versioning.header.toLowerCase();
    return (request: IncomingMessage) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
  }
  if (versioning?.type === VersioningType.MEDIA_TYPE) {
    const key = versioning.key;
    return (request: IncomingMessage) => {
      // As Nest reads it: the first parameter of Accept, after the key.
      const parameter = request.headers.accept?.split(';')[1];
      const version = parameter?.split(key)[1];
      return version === undefined || version === '' ? undefined : version;
    };
  }
  return undefined;
}
