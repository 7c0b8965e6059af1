/**
 * The Prefect half of `prefect-git doctor`: connection settings, API reachable, authenticated,
 * project exists, and on Cloud the git token's Secret exists. Reachable and authenticated are
 * told apart by the error: a refused key means the API answered.
 */
import type { PrefectApi, Tenant } from '../api/types.js';
import type { PrefectConnection } from '../config/prefect-config.js';
import type { Settings } from '../config/schema.js';
import { isPrefectGitError } from '../errors.js';
import type { ResolvedRef } from '../git/types.js';
import { expandProjectName } from '../register/project-name.js';
import type { CheckList } from './check-list.js';
import type { DoctorDeps } from './types.js';

interface ApiCheckInput {
  values: Settings;
  ref: ResolvedRef | undefined;
  apiKeyFile: string | undefined;
}

const DOWNSTREAM = [
  ['auth', 'authenticated'],
  ['project', 'project'],
  ['token-secret', 'token secret'],
] as const;

/** Appends the API checks to `list`; it throws only on bugs. */
export async function runApiChecks(list: CheckList, deps: DoctorDeps, input: ApiCheckInput): Promise<void> {
  const { values } = input;
  const skipRest = (from: number, why: string): void => {
    for (const [id, title] of DOWNSTREAM.slice(from)) list.skip(id, title, 'api', `skipped: ${why}`);
  };
  let connection: PrefectConnection;
  let api: PrefectApi;
  try {
    connection = await deps.readConnection({ backend: values.backend, api: values.api, apiKeyFile: input.apiKeyFile });
    api = deps.createApi(connection);
  } catch (error) {
    list.fromError('prefect-config', 'Prefect connection', 'config', error);
    list.skip('api', 'API reachable', 'api', 'skipped: no usable Prefect connection settings');
    skipRest(0, 'no usable Prefect connection settings');
    return;
  }
  const key = connection.apiKey ? `API key *** from ${connection.apiKeySource ?? 'settings'}` : 'no API key';
  list.pass('prefect-config', 'Prefect connection', 'config', `${connection.backend} at ${api.displayUrl} (backend from ${connection.sources.backend === 'setting' ? 'the prefect-git backend setting' : connection.sources.backend}); ${key}`);

  let tenants: Tenant[];
  try {
    tenants = await api.tenants();
  } catch (error) {
    if (isPrefectGitError(error) && error.code === 'E_API_AUTH') {
      list.pass('api', 'API reachable', 'api', `${api.displayUrl} answered`);
      list.fromError('auth', 'authenticated', 'api', error);
      const last = list.checks[list.checks.length - 1];
      if (last && !connection.apiKey) last.hint = 'No API key is set: run `prefect auth login --key KEY`, set PREFECT__CLOUD__API_KEY, or pass --api-key-file.';
      skipRest(1, 'not authenticated');
      return;
    }
    list.fromError('api', 'API reachable', 'api', error);
    skipRest(0, 'the API did not answer');
    return;
  }
  list.pass('api', 'API reachable', 'api', `${api.displayUrl} answered`);
  if (tenants.length === 0) {
    list.add({
      id: 'auth',
      title: 'authenticated',
      status: 'fail',
      message: connection.backend === 'server' ? 'Prefect Server has no tenant' : 'the API key sees no tenant',
      hint: connection.backend === 'server' ? 'Create one: prefect server create-tenant --name default --slug default' : 'Use an API key of a user in the tenant you register to.',
      code: 'E_API',
      category: 'api',
    });
  } else {
    const slugs = tenants.map((tenant) => tenant.slug).join(', ');
    const who = connection.backend === 'server' ? 'Prefect Server needs no API key' : `${key} accepted`;
    list.pass('auth', 'authenticated', 'api', `${who}; tenant ${slugs}`);
  }
  await checkProject(list, api, input);
  await checkTokenSecret(list, api, connection, values);
}

async function checkProject(list: CheckList, api: PrefectApi, input: ApiCheckInput): Promise<void> {
  const template = input.values.project;
  if (template === undefined) {
    list.skip('project', 'project', 'api', 'skipped: no project given', 'Pass --project or set `project` to check that it exists.');
    return;
  }
  if (input.ref === undefined && template.includes('{')) {
    list.skip('project', 'project', 'api', `skipped: '${template}' has placeholders and the ref is not known`);
    return;
  }
  try {
    const name = input.ref === undefined ? template : expandProjectName(template, input.ref);
    const { project } = await api.findProject(name);
    if (project !== null) {
      list.pass('project', 'project', 'api', `project '${name}' exists`);
    } else if (input.values.create_project === true) {
      list.add({ id: 'project', title: 'project', status: 'warn', message: `project '${name}' does not exist yet; register will create it (create_project)`, category: 'api' });
    } else {
      list.add({
        id: 'project',
        title: 'project',
        status: 'fail',
        message: `project '${name}' does not exist`,
        hint: `Pass --create-project to register, or create it with \`prefect create project "${name}"\`.`,
        code: 'E_PROJECT_NOT_FOUND',
        category: 'api',
      });
    }
  } catch (error) {
    list.fromError('project', 'project', isPrefectGitError(error) && error.code === 'E_CONFIG' ? 'config' : 'api', error);
  }
}

async function checkTokenSecret(list: CheckList, api: PrefectApi, connection: PrefectConnection, values: Settings): Promise<void> {
  const name = values.token_secret;
  const title = 'token secret';
  if (name === undefined) {
    list.skip('token-secret', title, 'api', 'skipped: no token_secret set (flow runs clone without a token)');
    return;
  }
  if (connection.backend === 'server') {
    // Server has no secrets over GraphQL: flow runs read local secrets where the agent runs them.
    list.skip('token-secret', title, 'api', `skipped: Prefect Server keeps no secrets; the agent must provide ${name}`, `Set PREFECT__CONTEXT__SECRETS__${name} in the environment flow runs start in.`);
    return;
  }
  try {
    const names = await api.secretNames();
    if (names.includes(name)) {
      list.pass('token-secret', title, 'api', `Secret ${name} exists`);
      return;
    }
    list.add({
      id: 'token-secret',
      title,
      status: 'fail',
      message: `Secret ${name} does not exist in the tenant: flow runs could not clone the repository`,
      hint: `Create the Secret ${name} with the git token (Prefect Cloud UI → Secrets, or prefect.Client().set_secret), or fix token_secret.`,
      category: 'api',
    });
  } catch (error) {
    list.fromError('token-secret', title, 'api', error);
  }
}
