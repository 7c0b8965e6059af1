import { describe, expect, it } from 'vitest';
import { cloudUiBase, displayUrl, flowUiUrl, splitUrlCredentials } from '../../src/api/endpoints.js';

describe('displayUrl', () => {
  it.each([
    ['http://localhost:4200', 'http://localhost:4200/'],
    ['https://user:secret@api.example.com/graphql?token=abc#x', 'https://api.example.com/graphql'],
    ['not a url secret', '<invalid URL>'],
  ])('%s → %s', (input, expected) => expect(displayUrl(input)).toBe(expected));
});

it('splitUrlCredentials moves user info into Basic auth', () => {
  expect(splitUrlCredentials('https://a%40b:p%3Aw@h.example/x')).toEqual({ url: 'https://h.example/x', basicAuth: Buffer.from('a@b:p:w').toString('base64') });
  expect(splitUrlCredentials('https://h.example/')).toEqual({ url: 'https://h.example/', basicAuth: null });
});

describe('UI URLs (prefect1.md §5.3)', () => {
  it.each([
    ['https://api.prefect.io', 'https://cloud.prefect.io/'],
    ['https://api-beta.prefect.io', 'https://beta.prefect.io/'],
  ])('Cloud UI of %s is %s', (api, ui) => expect(cloudUiBase(api)).toBe(ui));

  it('builds <ui>/<slug>/flow/<flow group id>', () => {
    const g = '44444444-4444-4444-8444-444444444444';
    expect(flowUiUrl({ backend: 'server', apiUrl: 'http://localhost:4200', tenantSlug: 'default', flowGroupId: g })).toBe(`http://localhost:8080/default/flow/${g}`);
    expect(flowUiUrl({ backend: 'server', apiUrl: 'http://x:4200', uiUrl: 'http://ui.example:8080/', tenantSlug: 't', flowGroupId: g })).toBe(`http://ui.example:8080/t/flow/${g}`);
    expect(flowUiUrl({ backend: 'cloud', apiUrl: 'https://api.prefect.io', tenantSlug: 'acme', flowGroupId: g })).toBe(`https://cloud.prefect.io/acme/flow/${g}`);
  });
});
