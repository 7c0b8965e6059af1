/**
 * The last line of defence for secrets: every byte the CLI prints goes through a redactor.
 * Errors are written to carry names, not values, but a value can still slip in (a server that
 * echoes headers, a remote URL in a git message), so known secrets are replaced in all their
 * usual encodings, and credentials inside URLs are removed whatever they are.
 */

import { redactUrlCredentials } from '../git/remote.js';

export type Redactor = (text: string) => string;

const MASK = '***';
/** Shorter values would mask ordinary words; real keys and tokens are long. */
const MIN_SECRET_LENGTH = 4;

/** Shorter base64 cores could match unrelated base64 text. */
const MIN_CORE_LENGTH = 8;

/**
 * The base64 of a secret as it appears inside longer base64 text (`Basic base64(user:secret)`
 * for any user): at each of the three byte alignments, the characters that encode only the
 * secret's bytes. Standard and URL-safe alphabets.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // The first group holds filler bytes when shifted; the last partial group holds whatever follows.
    const core = b64.slice(shift === 0 ? 0 : 4, Math.floor((shift + bytes.length) / 3) * 4);
    if (core.length >= MIN_CORE_LENGTH) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** The forms a secret can take in output: raw, URL-encoded, base64 (alone or inside `user:secret`). */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), encodeURI(secret), ...base64Cores(secret)]);
  for (const text of [secret, `:${secret}`]) {
    const b64 = Buffer.from(text, 'utf8').toString('base64');
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * Returns a function that masks the given secrets (and credentials in URLs) in any text.
 * Longer forms are replaced first so a secret inside another is fully masked.
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined | null>): Redactor {
  const forms = [
    ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).flatMap(encodedForms)),
  ].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    // Credentials in URLs, whatever they are (the same rule as the git room's messages).
    let out = redactUrlCredentials(text);
    for (const form of forms) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  };
}
