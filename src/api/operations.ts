/**
 * Every GraphQL document prefect-git sends, named, so the server logs and our debug output show
 * which operation ran. `test/api/operations.test.ts` validates each one against the Server schema
 * (Cloud-only ones against Server + Cloud extensions). Values always travel as variables: the
 * Python service reads inline JSON literals differently (graphql.md §4.8), and variables keep the
 * document text free of user data.
 */

/**
 * The project by name plus the tenants, in one round trip: the tenant list gives the slug for UI
 * URLs and, on Server, the tenant a missing project would be created in (graphql.md §4.1/§4.2).
 */
export const FIND_PROJECT = /* GraphQL */ `
  query PrefectGitFindProject($name: String!) {
    project(where: { name: { _eq: $name } }) {
      id
      name
      tenant_id
    }
    tenant(order_by: [{ created: asc }]) {
      id
      slug
    }
  }
`;

/** Tenants, oldest first (Prefect takes "the first tenant" as Server's default). */
export const TENANTS = /* GraphQL */ `
  query PrefectGitTenants {
    tenant(order_by: [{ created: asc }]) {
      id
      slug
    }
  }
`;

/** Cloud only: the tenant of the API key (graphql.md §4.1). */
export const AUTH_INFO = /* GraphQL */ `
  query PrefectGitAuthInfo {
    auth_info {
      tenant_id
    }
  }
`;

/** `create_project_input.tenant_id` is required; `description` is sent as null when absent. */
export const CREATE_PROJECT = /* GraphQL */ `
  mutation PrefectGitCreateProject($input: create_project_input!) {
    create_project(input: $input) {
      id
    }
  }
`;

/**
 * The newest version of every given flow name in one request, instead of Prefect's one lookup
 * per flow. `distinct_on: name` keeps the first row per name after ordering, and Hasura requires
 * the distinct column to lead `order_by`. Like `prefect register`, "newest" is the highest
 * version, archived or not; `created` breaks ties. The flow group's `settings` carries the
 * idempotency key the server compares against (prefect1.md §8.3), which is how the plan knows
 * "unchanged" without sending the flow.
 */
export const LATEST_FLOW_VERSIONS = /* GraphQL */ `
  query PrefectGitLatestFlowVersions($projectId: uuid!, $names: [String!]!) {
    flow(
      where: { project_id: { _eq: $projectId }, name: { _in: $names } }
      order_by: [{ name: asc }, { version: desc }, { created: desc }]
      distinct_on: [name]
    ) {
      id
      name
      version
      archived
      flow_group_id
      flow_group {
        id
        settings
      }
    }
  }
`;

/** The registration call, exactly as `prefect register` sends it (graphql.md §4.5). */
export const CREATE_FLOW_FROM_COMPRESSED_STRING = /* GraphQL */ `
  mutation PrefectGitCreateFlow($input: create_flow_from_compressed_string_input!) {
    create_flow_from_compressed_string(input: $input) {
      id
    }
  }
`;

/** Version and flow group of registered flows, all in one request (the mutation returns only the id). */
export const FLOWS_BY_IDS = /* GraphQL */ `
  query PrefectGitFlowsByIds($ids: [uuid!]!) {
    flow(where: { id: { _in: $ids } }) {
      id
      name
      version
      archived
      flow_group_id
    }
  }
`;

/** One entry per document: its name and whether it needs the Cloud extensions to validate. */
export const OPERATIONS = {
  FIND_PROJECT: { document: FIND_PROJECT, cloudOnly: false },
  TENANTS: { document: TENANTS, cloudOnly: false },
  AUTH_INFO: { document: AUTH_INFO, cloudOnly: true },
  CREATE_PROJECT: { document: CREATE_PROJECT, cloudOnly: false },
  LATEST_FLOW_VERSIONS: { document: LATEST_FLOW_VERSIONS, cloudOnly: false },
  CREATE_FLOW_FROM_COMPRESSED_STRING: { document: CREATE_FLOW_FROM_COMPRESSED_STRING, cloudOnly: false },
  FLOWS_BY_IDS: { document: FLOWS_BY_IDS, cloudOnly: false },
} as const satisfies Record<string, { document: string; cloudOnly: boolean }>;

/** The operation name of a document (the word after `query`/`mutation`). */
export function operationName(document: string): string {
  const match = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (match?.[1] === undefined) throw new TypeError('GraphQL document has no operation name');
  return match[1];
}
