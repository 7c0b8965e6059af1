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
 * "unchanged" without sending the flow. `storage` says which branch or tag the newest version's
 * runs clone (the branch guard), `is_schedule_active` its schedule state (`--schedule keep`). The
 * flow group's `description` is read here so provenance can keep what a user wrote there without
 * a request of its own.
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
      is_schedule_active
      storage
      flow_group {
        id
        settings
        description
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

/**
 * What `verify` compares with the code: the newest version of every flow name in a project, its
 * storage (which ref runs clone), its parameters, and the slugs of its rows in the `task` table,
 * which is what the server makes task runs from (prefect1.md §7.4), not `serialized_flow`.
 */
export const REGISTERED_FLOWS = /* GraphQL */ `
  query PrefectGitRegisteredFlows($projectId: uuid!) {
    flow(
      where: { project_id: { _eq: $projectId } }
      order_by: [{ name: asc }, { version: desc }, { created: desc }]
      distinct_on: [name]
    ) {
      id
      name
      version
      archived
      flow_group_id
      storage
      parameters
      tasks {
        slug
      }
    }
  }
`;

/**
 * Provenance (ref, commit, link to the code) goes into the flow group's description: outside the
 * serialized flow, so the idempotency key and the version stay as they are (graphql.md §4.8).
 */
export const SET_FLOW_GROUP_DESCRIPTION = /* GraphQL */ `
  mutation PrefectGitSetFlowGroupDescription($input: set_flow_group_description_input!) {
    set_flow_group_description(input: $input) {
      success
      error
    }
  }
`;

/**
 * Sets many flow-group descriptions in one request (one aliased field per flow group): with
 * provenance on, one request per registered flow would double the round trips of a
 * registration. `count` fields `d0..d<count-1>`, variables `$i0..`.
 */
export function setFlowGroupDescriptionsDocument(count: number): string {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const variables = indexes.map((i) => `$i${i}: set_flow_group_description_input!`).join(', ');
  const fields = indexes.map((i) => `    d${i}: set_flow_group_description(input: $i${i}) {\n      success\n      error\n    }`).join('\n');
  return `\n  mutation PrefectGitSetFlowGroupDescriptions(${variables}) {\n${fields}\n  }\n`;
}

/**
 * Every project with the storage of the newest version of each of its flows, in one request:
 * `prune` matches names against the pattern and reads which refs the flows were registered from.
 */
export const PROJECTS_WITH_FLOWS = /* GraphQL */ `
  query PrefectGitProjectsWithFlows {
    project(order_by: [{ name: asc }]) {
      id
      name
      tenant_id
      flows(order_by: [{ name: asc }, { version: desc }, { created: desc }], distinct_on: [name]) {
        name
        storage
      }
    }
  }
`;

/** `Client.delete_project`'s mutation (graphql.md §4.8); the server deletes the project's flows too. */
export const DELETE_PROJECT = /* GraphQL */ `
  mutation PrefectGitDeleteProject($input: delete_project_input!) {
    delete_project(input: $input) {
      success
      error
    }
  }
`;

/**
 * Cloud only: the names of the tenant's secrets, never their values (`Secret.exists()` in
 * Prefect 1.4.1, graphql.md §5). Server has no secrets over GraphQL.
 */
export const SECRET_NAMES = /* GraphQL */ `
  query PrefectGitSecretNames {
    secret_names
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
  REGISTERED_FLOWS: { document: REGISTERED_FLOWS, cloudOnly: false },
  SET_FLOW_GROUP_DESCRIPTION: { document: SET_FLOW_GROUP_DESCRIPTION, cloudOnly: false },
  PROJECTS_WITH_FLOWS: { document: PROJECTS_WITH_FLOWS, cloudOnly: false },
  DELETE_PROJECT: { document: DELETE_PROJECT, cloudOnly: false },
  SECRET_NAMES: { document: SECRET_NAMES, cloudOnly: true },
} as const satisfies Record<string, { document: string; cloudOnly: boolean }>;

/** The operation name of a document (the word after `query`/`mutation`). */
export function operationName(document: string): string {
  const match = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (match?.[1] === undefined) throw new TypeError('GraphQL document has no operation name');
  return match[1];
}
