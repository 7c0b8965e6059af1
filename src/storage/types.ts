/**
 * Prefect 1.4.1's Git storage as it is serialized (GitSchema, reference §1.8). Keys are listed in
 * Prefect's declaration order; the order does not change the idempotency key (it sorts keys).
 */
export interface GitStorage {
  flows: Record<string, string>;
  secrets: string[];
  flow_path: string;
  repo: string | null;
  repo_host: string;
  flow_name: string | null;
  git_token_secret_name: string | null;
  git_token_username: string | null;
  git_clone_url_secret_name: string | null;
  branch_name: string | null;
  tag: string | null;
  commit: string | null;
  clone_depth: number | null;
  use_ssh: boolean;
  format_access_token: boolean;
  __version__: string;
  type: 'Git';
}
