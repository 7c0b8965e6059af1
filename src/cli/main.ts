/** Placeholder replaced by the real program in the next commit. */
export function main(_argv: string[]): Promise<number> {
  return Promise.resolve(0);
}
