/**
 * The schemas the fake server validates against, read from test/fixtures/schema (copies of
 * the shared reference folder), relative to this file so the suite runs from any checkout.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

const schemaDir = new URL('../../fixtures/schema/', import.meta.url);

/** SDL text of Prefect Server's schema, plus the Cloud extensions for `cloud`. */
export function schemaSource(backend: 'server' | 'cloud'): string {
  const server = readFileSync(new URL('prefect-server-schema.graphql', schemaDir), 'utf8');
  if (backend === 'server') return server;
  return `${server}\n${readFileSync(new URL('prefect-cloud-extensions.graphql', schemaDir), 'utf8')}`;
}

const cache = new Map<string, GraphQLSchema>();

/** The built (and cached) schema of a backend. */
export function loadSchema(backend: 'server' | 'cloud'): GraphQLSchema {
  let schema = cache.get(backend);
  if (schema === undefined) {
    schema = buildSchema(schemaSource(backend));
    cache.set(backend, schema);
  }
  return schema;
}
