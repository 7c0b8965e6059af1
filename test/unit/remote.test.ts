import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { parseRemoteUrl, redactUrlCredentials } from '../../src/git/remote.js';
import type { RemoteInfo } from '../../src/git/types.js';

type Row = [string, Partial<RemoteInfo> & Pick<RemoteInfo, 'protocol' | 'host' | 'path' | 'safeUrl'>];

const rows: Row[] = [
  ['https://github.com/acme/data-flows.git', { protocol: 'https', host: 'github.com', path: 'acme/data-flows', safeUrl: 'https://github.com/acme/data-flows.git' }],
  ['https://github.com/acme/data-flows', { protocol: 'https', host: 'github.com', path: 'acme/data-flows', safeUrl: 'https://github.com/acme/data-flows' }],
  ['https://github.com/acme/data-flows/', { protocol: 'https', host: 'github.com', path: 'acme/data-flows', safeUrl: 'https://github.com/acme/data-flows/' }],
  ['https://github.com/acme/data-flows.git/', { protocol: 'https', host: 'github.com', path: 'acme/data-flows', safeUrl: 'https://github.com/acme/data-flows.git/' }],
  ['http://git.local/acme/flows.git', { protocol: 'http', host: 'git.local', path: 'acme/flows', safeUrl: 'http://git.local/acme/flows.git' }],
  ['https://GitHub.COM/Acme/Flows.git', { protocol: 'https', host: 'github.com', path: 'Acme/Flows', safeUrl: 'https://github.com/Acme/Flows.git' }],
  ['https://user:ghp_SeCrEt123@github.com/acme/flows.git', { protocol: 'https', host: 'github.com', path: 'acme/flows', safeUrl: 'https://github.com/acme/flows.git' }],
  ['https://ghp_TokenAsUser@github.com/acme/flows.git', { protocol: 'https', host: 'github.com', path: 'acme/flows', safeUrl: 'https://github.com/acme/flows.git' }],
  ['https://oauth2:glpat-xyz@gitlab.com/group/sub/repo.git', { protocol: 'https', host: 'gitlab.com', path: 'group/sub/repo', safeUrl: 'https://gitlab.com/group/sub/repo.git' }],
  ['https://gitlab.example.com:8443/group/sub/deeper/repo.git', { protocol: 'https', host: 'gitlab.example.com', port: 8443, path: 'group/sub/deeper/repo', safeUrl: 'https://gitlab.example.com:8443/group/sub/deeper/repo.git' }],
  ['https://x-token-auth:tok@bitbucket.org/team/repo.git', { protocol: 'https', host: 'bitbucket.org', path: 'team/repo', safeUrl: 'https://bitbucket.org/team/repo.git' }],
  ['ssh://git@github.com/acme/flows.git', { protocol: 'ssh', host: 'github.com', user: 'git', path: 'acme/flows', safeUrl: 'ssh://git@github.com/acme/flows.git' }],
  ['ssh://git@gitlab.example.com:2222/group/sub/repo.git', { protocol: 'ssh', host: 'gitlab.example.com', port: 2222, user: 'git', path: 'group/sub/repo', safeUrl: 'ssh://git@gitlab.example.com:2222/group/sub/repo.git' }],
  ['ssh://git:pa55@host.example/acme/flows.git', { protocol: 'ssh', host: 'host.example', user: 'git', path: 'acme/flows', safeUrl: 'ssh://git@host.example/acme/flows.git' }],
  ['ssh://host.example/acme/flows', { protocol: 'ssh', host: 'host.example', path: 'acme/flows', safeUrl: 'ssh://host.example/acme/flows' }],
  ['git+ssh://git@github.com/acme/flows.git', { protocol: 'ssh', host: 'github.com', user: 'git', path: 'acme/flows', safeUrl: 'git+ssh://git@github.com/acme/flows.git' }],
  ['git@github.com:acme/data-flows.git', { protocol: 'ssh', host: 'github.com', user: 'git', path: 'acme/data-flows', safeUrl: 'git@github.com:acme/data-flows.git' }],
  ['git@gitlab.com:group/sub/repo', { protocol: 'ssh', host: 'gitlab.com', user: 'git', path: 'group/sub/repo', safeUrl: 'git@gitlab.com:group/sub/repo' }],
  ['github.com:acme/flows.git', { protocol: 'ssh', host: 'github.com', path: 'acme/flows', safeUrl: 'github.com:acme/flows.git' }],
  ['git@ssh.dev.azure.com:v3/org/project/repo', { protocol: 'ssh', host: 'ssh.dev.azure.com', user: 'git', path: 'v3/org/project/repo', safeUrl: 'git@ssh.dev.azure.com:v3/org/project/repo' }],
  ['git@host.example:/srv/git/flows.git/', { protocol: 'ssh', host: 'host.example', user: 'git', path: 'srv/git/flows', safeUrl: 'git@host.example:/srv/git/flows.git/' }],
  ['git://git.example.org/pub/flows.git', { protocol: 'git', host: 'git.example.org', path: 'pub/flows', safeUrl: 'git://git.example.org/pub/flows.git' }],
  ['git://git.example.org:9418/pub/flows', { protocol: 'git', host: 'git.example.org', port: 9418, path: 'pub/flows', safeUrl: 'git://git.example.org:9418/pub/flows' }],
  ['https://org@dev.azure.com/org/project/_git/repo', { protocol: 'https', host: 'dev.azure.com', path: 'org/project/_git/repo', safeUrl: 'https://dev.azure.com/org/project/_git/repo' }],
  ['https://[::1]:3000/acme/flows.git', { protocol: 'https', host: '[::1]', port: 3000, path: 'acme/flows', safeUrl: 'https://[::1]:3000/acme/flows.git' }],
  ['  https://github.com/acme/flows.git\n', { protocol: 'https', host: 'github.com', path: 'acme/flows', safeUrl: 'https://github.com/acme/flows.git' }],
  ['file:///srv/git/flows.git', { protocol: 'file', host: '', path: 'srv/git/flows', safeUrl: 'file:///srv/git/flows.git' }],
  ['/srv/git/flows.git', { protocol: 'file', host: '', path: 'srv/git/flows', safeUrl: '/srv/git/flows.git' }],
  ['../origin.git', { protocol: 'file', host: '', path: '../origin', safeUrl: '../origin.git' }],
];

describe('parseRemoteUrl', () => {
  it.each(rows)('%s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it('never keeps credentials anywhere in the result', () => {
    for (const [url] of rows) {
      const out = JSON.stringify(parseRemoteUrl(url));
      for (const secret of ['SeCrEt', 'TokenAsUser', 'glpat', 'pa55', ':tok']) expect(out).not.toContain(secret);
    }
  });

  const bad: Array<[string, string]> = [
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['ftp://host/repo.git', 'unsupported scheme "ftp"'],
    ['codecommit::us-east-1://repo', 'git remote helpers'],
    ['https://github.com', 'no repository path'],
    ['https://github.com/', 'no repository path'],
    ['https://host:99999/a/b', 'the port is out of range'],
    ['https://host:abc/a/b', 'the port is not a number'],
    ['https:///a/b', 'no host'],
    ['https://bad_host!/a', 'the host name is not valid'],
    ['https://github.com/acme/my flows', 'it contains whitespace'],
    ['git@github.com:', 'no repository path'],
    ['file://otherhost/x.git', 'file URLs must not name a host'],
  ];
  it.each(bad)('refuses %j (%s) with E_REMOTE_URL and a --repo-host/--repo hint', (url, why) => {
    let error: unknown;
    try {
      parseRemoteUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrefectGitError);
    const e = error as PrefectGitError;
    expect(e.code).toBe('E_REMOTE_URL');
    expect(e.message).toContain(why);
    expect(e.hint).toContain('--repo-host');
    expect(e.hint).toContain('--repo ');
  });

  it('keeps credentials out of error messages', () => {
    for (const url of ['https://user:hunter2-secret@host:badport/x', 'https://user:hunter2-secret@/x', 'ftp://user:hunter2-secret@host/x', 'https://tok:hunter2-secret@host']) {
      expect(() => parseRemoteUrl(url)).toThrow(PrefectGitError);
      try {
        parseRemoteUrl(url);
      } catch (e) {
        const err = e as PrefectGitError;
        expect(`${err.message} ${err.hint ?? ''}`).not.toContain('hunter2');
        expect(err.message).toContain('***@');
      }
    }
  });
});

describe('redactUrlCredentials', () => {
  it.each([
    ["fatal: unable to access 'https://user:tok@github.com/a/b.git/': 403", "fatal: unable to access 'https://***@github.com/a/b.git/': 403"],
    ['https://ghp_abc@github.com/a', 'https://***@github.com/a'],
    ['https://u:p@ss@host/x and http://a:b@c/d', 'https://***@host/x and http://***@c/d'],
    ['ssh://git@github.com/a/b', 'ssh://git@github.com/a/b'],
    ['ssh://git:pw@github.com/a/b', 'ssh://***@github.com/a/b'],
    ['no url, mail me at a@b.c', 'no url, mail me at a@b.c'],
    ['https://github.com/a/b', 'https://github.com/a/b'],
  ])('%s', (input, expected) => {
    expect(redactUrlCredentials(input)).toBe(expected);
  });
});

describe('parseRemoteUrl properties', () => {
  const secretChars = fc.constantFrom(...'abcXYZ0189-._~!$&\'()*+,;=%:@'.split(''));
  const secret = fc.string({ unit: secretChars, minLength: 1, maxLength: 12 }).map((s) => `SECRET${s}`);
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/);
  const host = fc.oneof(fc.constant('github.com'), fc.constant('gitlab.example.com'), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}\.[a-z]{2,4}$/));
  const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

  it('never returns credentials, and finds host and path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('https', 'http', 'ssh', 'git+ssh'),
        fc.option(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { nil: undefined }),
        secret,
        host,
        port,
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (scheme, user, pass, h, p, parts, dotGit) => {
          // A bare ssh user is a login name and is kept on purpose; over https it may be a token.
          const sshUser = scheme.includes('ssh') ? (user ?? 'git') : user;
          const userinfo = sshUser === undefined ? pass : `${sshUser}:${pass}`;
          const url = `${scheme}://${userinfo}@${h}${p === undefined ? '' : `:${p}`}/${parts.join('/')}${dotGit ? '.git' : ''}`;
          const info = parseRemoteUrl(url);
          expect(JSON.stringify(info)).not.toContain('SECRET');
          expect(info.host).toBe(h);
          expect(info.port).toBe(p);
          expect(info.path).toBe(parts.join('/'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('scp-like addresses with a password-ish user part never leak it', () => {
    fc.assert(
      fc.property(secret, host, fc.array(segment, { minLength: 1, maxLength: 3 }), (pass, h, parts) => {
        const info = parseRemoteUrl(`git:${pass}@${h}:${parts.join('/')}.git`);
        expect(JSON.stringify(info)).not.toContain('SECRET');
        expect(info).toMatchObject({ protocol: 'ssh', host: h, user: 'git', path: parts.join('/') });
      }),
      { numRuns: 300 },
    );
  });

  it('throws nothing but PrefectGitError for any input, and no credential in messages', () => {
    const anyText = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'ab:/@.[]-_~%?# \t1'.split('')), maxLength: 30 }),
      fc.tuple(fc.constantFrom('https://', 'ssh://', 'git://', 'file://', 'x://', ''), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseRemoteUrl(text);
        } catch (e) {
          expect(e).toBeInstanceOf(PrefectGitError);
          expect((e as PrefectGitError).code).toBe('E_REMOTE_URL');
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.constantFrom('https', 'http', 'ftp', 'ssh'), secret, fc.string({ maxLength: 15 }), (scheme, pass, tail) => {
        try {
          const info = parseRemoteUrl(`${scheme}://user:${pass}@${tail}`);
          expect(JSON.stringify(info)).not.toContain('SECRET');
        } catch (e) {
          expect(e).toBeInstanceOf(PrefectGitError);
          expect((e as PrefectGitError).message).not.toContain('SECRET');
        }
      }),
      { numRuns: 500 },
    );
  });
});
