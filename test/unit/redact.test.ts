import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/report/redact.js';

const SENTINEL = 'SENTINEL-9f1c+/=key';

describe('createRedactor', () => {
  const redact = createRedactor([SENTINEL]);
  it.each([
    ['raw', `key is ${SENTINEL}.`],
    ['url-encoded', `key=${encodeURIComponent(SENTINEL)}`],
    ['base64', `Authorization: Basic ${Buffer.from(SENTINEL).toString('base64')}`],
    ['base64 of user:secret', `Basic ${Buffer.from(`:${SENTINEL}`).toString('base64')}`],
    ['json-escaped', JSON.stringify({ k: SENTINEL })],
  ])('masks the %s form', (_form, text) => {
    const out = redact(text);
    expect(out).toContain('***');
    expect(out).not.toContain(SENTINEL);
    expect(out).not.toContain(encodeURIComponent(SENTINEL));
    expect(out).not.toContain(Buffer.from(SENTINEL).toString('base64').replace(/=+$/, ''));
  });

  it.each([
    ['https://user:tok3n@github.com/acme/flows.git', 'https://***@github.com/acme/flows.git'],
    ['clone https://x-access-token:ghp_abc@github.com/a/b failed', 'clone https://***@github.com/a/b failed'],
    ['https://oauth2@gitlab.com/g/r.git', 'https://***@gitlab.com/g/r.git'],
  ])('strips credentials from URLs: %s', (input, expected) => {
    expect(createRedactor([])(input)).toBe(expected);
  });

  it('leaves ordinary text and ssh scp-style remotes alone', () => {
    const redact = createRedactor(['abc']); // too short to mask safely
    expect(redact('git@github.com:acme/flows.git and abc')).toBe('git@github.com:acme/flows.git and abc');
  });
});
