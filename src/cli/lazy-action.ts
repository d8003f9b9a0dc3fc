import { runAction } from './run-action.ts';

/** What a command's action returns: the exit code (undefined = 0). */
export type ActionResult = Promise<number | undefined> | number | undefined;

/**
 * A command's action, loaded when the command runs. A command is declared in
 * `src/cli/<name>-command.ts` with what `--help` needs (name, description, options and their
 * parsers, help text) and cheap imports only; its action lives in `src/cli/actions/<name>.ts`
 * (default export), which may import anything:
 *
 *   .action(lazyAction(() => import('./actions/speak.ts')))
 *
 * so `callstorm --version`, `--help` and a mistyped option load commander and the declarations
 * only (`npm run build` fails if the start-up chunk reaches a package other than commander).
 * The action gets commander's arguments (positional arguments, then the parsed options) and runs
 * inside runAction: a CallstormError becomes its message and exit code.
 */
export function lazyAction<A extends unknown[]>(
  load: () => Promise<{ readonly default: (...args: A) => ActionResult }>,
): (...args: A) => Promise<void> {
  return runAction(async (...args: A) => (await load()).default(...args));
}
