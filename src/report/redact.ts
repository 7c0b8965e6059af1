/**
 * The last line of defence for secrets: every byte the CLI prints goes through a redactor.
 * Errors are written to carry names, not values, but a value can still slip in (a server that
 * echoes headers, a remote URL in a git message), so known secrets are replaced in all their
 * usual encodings, and credentials inside URLs are removed whatever they are.
 */

export type Redactor = (text: string) => string;

const MASK = '***';
/** `scheme://user:password@` or `scheme://token@` inside any text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*(?::[^\s/@]*)?@/gi;
/** Shorter values would mask ordinary words; real keys and tokens are long. */
const MIN_SECRET_LENGTH = 4;

/** The forms a secret can take in output: raw, URL-encoded, base64 (alone or as `user:secret`). */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), encodeURI(secret)]);
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
    let out = text.replace(URL_CREDENTIALS, `$1${MASK}@`);
    for (const form of forms) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  };
}
