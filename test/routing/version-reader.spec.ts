import type { IncomingMessage } from 'node:http';
import { VersioningType } from '@nestjs/common';
import { versionReaderFor } from '../../lib/routing/version-reader';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('versionReaderFor', () => {
  it('reads a header version, and nothing from an empty header', () => {
    const read = versionReaderFor({ type: VersioningType.HEADER, header: 'X-API-Version' })!;
    expect(read(request({ 'x-api-version': '2' }))).toBe('2');
    expect(read(request({ 'x-api-version': '' }))).toBeUndefined();
  });

  it('reads a media-type version from the first parameter of Accept', () => {
    const read = versionReaderFor({ type: VersioningType.MEDIA_TYPE, key: 'v=' })!;
    expect(read(request({ accept: 'application/json;v=2' }))).toBe('2');
    expect(read(request({ accept: 'application/json' }))).toBeUndefined();
  });

  it('has nothing to read when the version is in the path, or there is none', () => {
    expect(versionReaderFor({ type: VersioningType.URI })).toBeUndefined();
    expect(versionReaderFor(undefined)).toBeUndefined();
  });
});
