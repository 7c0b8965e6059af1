import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, operationName, setFlowGroupDescriptionsDocument } from '../../src/api/operations.js';

const schemaDir = new URL('../fixtures/schema/', import.meta.url);
const serverSdl = readFileSync(new URL('prefect-server-schema.graphql', schemaDir), 'utf8');
const cloudSdl = `${serverSdl}\n${readFileSync(new URL('prefect-cloud-extensions.graphql', schemaDir), 'utf8')}`;
const serverSchema = buildSchema(serverSdl);
const cloudSchema = buildSchema(cloudSdl);

const messages = (schema: typeof serverSchema, doc: string): string[] => validate(schema, parse(doc)).map((e) => e.message);

describe('GraphQL operations', () => {
  it.each(Object.entries(OPERATIONS))('%s validates against the schema it is sent to', (_key, op) => {
    expect(messages(cloudSchema, op.document)).toEqual([]);
    if (op.cloudOnly) expect(messages(serverSchema, op.document)).not.toEqual([]);
    else expect(messages(serverSchema, op.document)).toEqual([]);
  });

  it('has exactly one named operation per document, with unique names', () => {
    const names = Object.values(OPERATIONS).map((op) => {
      const definitions = parse(op.document).definitions;
      expect(definitions).toHaveLength(1);
      const name = operationName(op.document);
      expect(definitions[0]).toMatchObject({ name: { value: name } });
      return name;
    });
    expect(new Set(names).size).toBe(names.length);
  });

  it('the validator catches a broken document (negative control)', () => {
    expect(messages(serverSchema, 'query X { flow(where: { nme: { _eq: "x" } }) { id } }')).not.toEqual([]);
    expect(messages(serverSchema, 'mutation X($i: create_project_input!) { create_project(input: $i) { id version } }')).not.toEqual([]);
  });
});

describe('batched flow-group descriptions', () => {
  it.each([1, 3, 50])('the document for %i flow groups validates against the Server schema', (count) => {
    const doc = setFlowGroupDescriptionsDocument(count);
    expect(messages(serverSchema, doc)).toEqual([]);
    expect(doc.match(/set_flow_group_description\(/g)).toHaveLength(count);
  });
});
