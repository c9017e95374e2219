import type { CorsPolicyOptions } from '../../lib';
import { differencesFromEnableCors } from '../../lib/policy/enable-cors-differences';

/** The notes for a policy with `origin`. */
function notesFor(origin: CorsPolicyOptions<unknown>['origin']): string[] {
  return differencesFromEnableCors({ origin });
}

describe('differencesFromEnableCors', () => {
  it('notes a missing origin, with what it means where the policy is used', () => {
    const [note, ...rest] = differencesFromEnableCors({ methods: ['GET'] });
    expect(rest).toEqual([]);
    expect(note).toContain('has no origin, so no origin is allowed');
    expect(note).toContain('app.enableCors() allowed every origin ("*")');
    expect(note).toContain('origin: false');
    expect(differencesFromEnableCors({}, 'only @Cors() routes answer')[0]).toContain(
      'has no origin, so only @Cors() routes answer',
    );
  });

  it('notes nothing for an explicit origin: false, a string, a list or a function', () => {
    expect(notesFor(false)).toEqual([]);
    expect(notesFor('*')).toEqual([]);
    expect(notesFor('https://app.example.com')).toEqual([]);
    expect(notesFor(['https://a.example', 'https://*.b.example'])).toEqual([]);
    expect(notesFor(() => true)).toEqual([]);
  });

  it.each([
    /example\.com$/,
    /^https:\/\/a\.example/,
    /https:\/\/a\.example/,
    /^a|b$/,
    /^https:\/\/a\.example$|^https:\/\/b\.example/,
    /^https:\/\/(a)|(b)\.example$/,
    /^https:\/\/a\.example$/m,
    /^https:\/\/a\.example\$/,
  ])('flags %s, which enableCors matched anywhere in the origin', (regex) => {
    const notes = notesFor(regex);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`origin ${regex.toString()} must match the whole origin here`);
    expect(notes[0]).toContain('Anchor it');
  });

  it.each([
    /^https:\/\/a\.example$/,
    /^https:\/\/(a|b)\.example$/,
    /^https:\/\/(?:a|b(?:c|d))\.example$/,
    /^[|]$/,
    /^[\]|]$/,
    /^https:\/\/a\|b\.example$/,
    /^https:\/\/([a-z0-9-]+\.)?example\.com$/i,
  ])('does not flag %s, anchored at both ends', (regex) => {
    expect(notesFor(regex)).toEqual([]);
  });

  it('names the entry of a list that is not anchored', () => {
    const notes = notesFor(['https://a.example', /^https:\/\/b\.example$/, /c\.example$/]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^origin\[2\] \/c\\\.example\$\/ must match the whole origin here/);
  });

  it('notes a missing origin and nothing else for a policy without one', () => {
    expect(differencesFromEnableCors({ origin: undefined })).toHaveLength(1);
  });
});
