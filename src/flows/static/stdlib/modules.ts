/**
 * Modules that are not in the repository. `typing`, `datetime` and `pendulum` are modelled;
 * other standard-library and well-known third-party modules cannot produce Prefect objects,
 * so what they return is unknown plain data; anything else could be a task library.
 */
import { native, type ModuleV, type Value } from '../values.js';
import { timeModules } from './time.js';

/** Top-level modules that never hold Prefect tasks or flows. */
const PLAIN_MODULES = new Set([
  // standard library
  'abc', 'argparse', 'array', 'ast', 'asyncio', 'base64', 'binascii', 'bisect', 'calendar', 'collections', 'concurrent',
  'configparser', 'contextlib', 'copy', 'csv', 'ctypes', 'dataclasses', 'decimal', 'difflib', 'email', 'enum', 'errno',
  'fnmatch', 'fractions', 'ftplib', 'functools', 'getpass', 'glob', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'http',
  'io', 'ipaddress', 'itertools', 'json', 'keyword', 'locale', 'logging', 'lzma', 'math', 'mimetypes', 'multiprocessing',
  'numbers', 'operator', 'os', 'pathlib', 'pickle', 'platform', 'pprint', 'queue', 'random', 're', 'secrets', 'select',
  'shlex', 'shutil', 'signal', 'smtplib', 'socket', 'sqlite3', 'ssl', 'stat', 'statistics', 'string', 'struct',
  'subprocess', 'sys', 'tarfile', 'tempfile', 'textwrap', 'threading', 'time', 'timeit', 'traceback', 'types',
  'unicodedata', 'urllib', 'uuid', 'warnings', 'weakref', 'xml', 'zipfile', 'zlib', 'zoneinfo',
  // common third-party libraries
  'boto3', 'botocore', 'requests', 'httpx', 'urllib3', 'pandas', 'numpy', 'pyarrow', 'sqlalchemy', 'psycopg2',
  'pymysql', 'yaml', 'dotenv', 'pydantic', 'jinja2', 'dateutil', 'pytz', 's3fs', 'gcsfs', 'fsspec', 'snowflake',
  'google', 'azure', 'slack_sdk', 'paramiko', 'openpyxl', 'xlrd', 'toolz', 'cloudpickle', 'marshmallow', 'click',
]);

const TYPING_NAMES = ['Any', 'List', 'Dict', 'Set', 'FrozenSet', 'Tuple', 'Iterable', 'Sequence', 'Mapping', 'Iterator',
  'Type', 'Union', 'Optional', 'Callable'];

/** Top-level names of the modules modelledModule knows. */
const MODELLED = new Set(['typing', 'datetime', 'pendulum']);

/** True when `top` names a modelled module or one that never holds Prefect objects (no maps built). */
export function isKnownNonRepo(top: string): boolean {
  return MODELLED.has(top) || PLAIN_MODULES.has(top);
}

/** A modelled non-Prefect module, if `name` is one. */
export function modelledModule(name: string): ModuleV | undefined {
  if (name === 'typing') {
    const attrs = new Map<string, Value>(TYPING_NAMES.map((n) => [n, native('typing', n)]));
    return { kind: 'module', name, attrs, origin: 'modelled', prefectish: false };
  }
  const time = timeModules().get(name);
  if (time) return { kind: 'module', name, attrs: time, origin: 'modelled', prefectish: false };
  return undefined;
}

/** A module outside the repository that is not modelled. */
export function externalModule(name: string): ModuleV {
  const top = name.split('.')[0] ?? name;
  return { kind: 'module', name, attrs: new Map(), origin: 'external', prefectish: !PLAIN_MODULES.has(top) };
}
