/**
 * The typed surface of the Prefect 1.x GraphQL API that registration needs. Only `client.ts`
 * implements it (its methods in `prefect-api.ts`); plan/apply and tests program against these
 * interfaces.
 */

/** Which Prefect 1.x backend the API URL points at. */
export type Backend = 'server' | 'cloud';

/** What the client reports after every HTTP attempt (debug logs, request counting). */
export interface RequestInfo {
  /** The GraphQL operation name (never variable values). */
  operation: string;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** HTTP status, or null when no response arrived (connection error, timeout). */
  status: number | null;
  /** Wall time of the attempt in milliseconds. */
  ms: number;
  /** Short reason when the attempt failed: `timeout`, `ECONNRESET`, `http-503`, `graphql`, ... */
  failure?: string;
  /** Whether the client will try again after this attempt. */
  willRetry: boolean;
}

/** Options of `createPrefectApi`. Everything with I/O or time is injectable. */
export interface PrefectApiOptions {
  /** The API endpoint, POSTed to exactly as given (no `/graphql` is appended). */
  url: string;
  backend: Backend;
  /** Sent as `Authorization: Bearer <key>`; Server needs none. */
  apiKey?: string | undefined;
  /** Sent as `X-PREFECT-TENANT-ID`, only together with an API key (as Prefect 1.4.1 does). */
  tenantId?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** Per-attempt timeout; default 15000 (Prefect's `cloud.request_timeout`). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt; default 5. */
  retries?: number | undefined;
  /** Waits between retries; tests pass an instant one. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Jitter source in [0, 1); default Math.random. */
  random?: (() => number) | undefined;
  /** Clock for HTTP-date `Retry-After` values; default Date.now. */
  now?: (() => number) | undefined;
  /** Value of `X-PREFECT-CORE-VERSION`; default `1.4.1`, the version the payloads are built as. */
  coreVersion?: string | undefined;
  onRequest?: ((info: RequestInfo) => void) | undefined;
}

/** A tenant row (Server has usually one, slug `default`). */
export interface Tenant {
  id: string;
  slug: string;
}

/** A project row. */
export interface Project {
  id: string;
  name: string;
  tenantId: string | null;
}

/** Answer of `findProject`: the project (if any) and, from the same request, the tenants. */
export interface ProjectLookup {
  project: Project | null;
  tenants: Tenant[];
}

/** The newest version of a flow name in a project, as the server has it. */
export interface FlowVersion {
  id: string;
  name: string;
  version: number;
  flowGroupId: string;
  archived: boolean;
  /**
   * The key stored in the flow group's `settings.idempotency_key` by the last registration of
   * that group; null when that registration was forced (sent no key) or none is stored.
   */
  idempotencyKey: string | null;
  /** What this version's storage clones (for the branch guard); null when it has no storage. */
  storage: StorageRef | null;
  /** Whether this version's schedule is on (`--schedule keep` carries it over). */
  scheduleActive: boolean;
  /** The flow group's description (provenance keeps the text a user wrote above its block); null when empty. */
  flowGroupDescription: string | null;
}

/** The fields of a registered flow's storage that say which ref its runs clone. */
export interface StorageRef {
  /** Prefect's storage type (`Git`, `Docker`, ...), or null when absent. */
  type: string | null;
  branchName: string | null;
  tag: string | null;
  repoHost: string | null;
  repo: string | null;
}

/** A registered flow as `verify` reads it: the newest version of a name in a project. */
export interface RegisteredFlow {
  id: string;
  name: string;
  version: number;
  archived: boolean;
  flowGroupId: string;
  /** The stored storage object as the server keeps it (JSON), or null. */
  storage: unknown;
  /** The stored parameter objects (`name`, `slug`, `required`, `default`, ...), as JSON. */
  parameters: unknown;
  /** Slugs of the flow's rows in the `task` table: one task run is made per slug at run time. */
  taskSlugs: string[];
}

/** A project with the refs its flows were registered from (for `prune`). */
export interface ProjectWithFlows extends Project {
  /** The newest version of each flow name in the project, with its storage's ref. */
  flows: Array<{ name: string; storage: StorageRef | null }>;
}

/** A flow row read back after registration. */
export interface FlowRow {
  id: string;
  name: string;
  version: number;
  flowGroupId: string;
  archived: boolean;
}

/** Input of `createFlowFromCompressedString`, the call `prefect register` makes. */
export interface CreateFlowInput {
  projectId: string;
  /** base64 of gzip of the flow's JSON (`compressFlow`). */
  serializedFlow: string;
  setScheduleActive: boolean;
  /** Omitted with `--force`, which makes the server always create a new version. */
  idempotencyKey?: string | undefined;
}

/** The Prefect API calls registration needs. Every method throws `PrefectGitError` (E_API*). */
export interface PrefectApi {
  readonly backend: Backend;
  /** The endpoint URL without credentials, query or fragment (safe to print). */
  readonly displayUrl: string;
  /** Looks up a project by name and lists tenants, in one request. */
  findProject(name: string): Promise<ProjectLookup>;
  /**
   * Creates a project. The tenant is `tenantId`, else the client's tenant, else (Server) the first
   * tenant or (Cloud) the API key's tenant. A name already taken returns the existing project.
   */
  createProject(name: string, options?: { description?: string | undefined; tenantId?: string | undefined }): Promise<Project>;
  /** The newest version of each name in the project, in ONE request; names without flows are absent. */
  latestFlowVersions(projectId: string, names: readonly string[]): Promise<Map<string, FlowVersion>>;
  /** Registers one flow; returns the flow id the server answered (new or existing). */
  createFlowFromCompressedString(input: CreateFlowInput): Promise<string>;
  /** Reads flows back by id, in ONE request; unknown ids are absent. */
  flowsByIds(ids: readonly string[]): Promise<Map<string, FlowRow>>;
  /** The newest version of every flow name in the project, with storage, parameters and task slugs, in ONE request. */
  registeredFlows(projectId: string): Promise<RegisteredFlow[]>;
  /** Sets a flow group's description (outside the hashed payload). Throws E_API_GRAPHQL when refused. */
  setFlowGroupDescription(flowGroupId: string, description: string): Promise<void>;
  /**
   * Sets many descriptions in one request. Resolves to the ids whose update the server did not
   * confirm (empty when all succeeded); transport and GraphQL errors reject as usual.
   */
  setFlowGroupDescriptions(items: ReadonlyArray<{ flowGroupId: string; description: string }>): Promise<string[]>;
  /** Every project visible to the caller with its flows' refs, in ONE request. */
  projectsWithFlows(): Promise<ProjectWithFlows[]>;
  /** Deletes a project (and, on the server, its flows). Throws E_API_GRAPHQL when refused. */
  deleteProject(projectId: string): Promise<void>;
  /** All tenants visible to the caller. */
  tenants(): Promise<Tenant[]>;
  /** The slug of `tenantId` (default: the client's tenant, else the first tenant), or null. */
  tenantSlug(tenantId?: string): Promise<string | null>;
  /** Cloud only: the names (never the values) of the tenant's secrets. Server answers a GraphQL error. */
  secretNames(): Promise<string[]>;
}
