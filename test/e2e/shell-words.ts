/**
 * Just enough POSIX shell word splitting to pull `prefect-git ...` invocations out of CI recipe
 * scripts: quotes, backslash-newline continuations, `&&` `||` `;` `|` separators, redirections and
 * leading `VAR=value` assignments. Variable expansions (`$X`, `${X}`, GitHub's `${{ x }}`, Groovy's
 * `${env.X}`) become the word `x`, as a value a CI system would put there.
 */

const PLACEHOLDER = 'x';

/** Splits one script (several lines allowed) into commands, each a list of words. */
export function shellCommands(script: string): string[][] {
  const text = script.replace(/\$\{\{[^}]*\}\}/g, '$X').replace(/\\\r?\n/g, ' ');
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (c === '$') {
      const m = /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(i));
      if (m !== null) {
        word += PLACEHOLDER;
        inWord = true;
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length) word += text[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
      endCommand();
    } else if (c === '\n' || c === ';' || c === '&' || c === '|') {
      endCommand();
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote in: ${script}`);
  endCommand();
  return commands.map(dropRedirections);
}

/** Removes `> file`, `2>&1`, `< file` and the like. */
function dropRedirections(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^\d*(>>?|<)$/.test(w)) i++;
    else if (!/^\d*(>>?|<)/.test(w)) out.push(w);
  }
  return out;
}

/** The arguments after `prefect-git` when the command runs it (directly, via npx, after VAR=x). */
export function prefectGitArgs(words: readonly string[]): string[] | undefined {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
  if (words[i] === 'npx') {
    i++;
    while (i < words.length && words[i]!.startsWith('-')) i++;
  }
  const command = words[i];
  if (command === undefined || !/^prefect-git(@[^\s]+)?$/.test(command)) return undefined;
  return words.slice(i + 1);
}
