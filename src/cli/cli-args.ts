/**
 * The one argument parser and error style of every CLI (`start`, `migrate`, `keys`, `db:copy`,
 * `prune`, and bench/run.ts). node:util's parseArgs does the tokenising; this wrapper gives every
 * tool the same `--help`/`-h`, the same words for bad arguments (parseArgs' own messages quote
 * unevenly and speak of its API), and the same exits: 0 for help, 2 for a usage error, 1 for a
 * failure, each message on one line as `malwar <tool>: <message>`.
 */
import { parseArgs } from "node:util";
import { MalwarError, redactUrl } from "../errors/index.ts";

/** Wrong arguments: the tool prints its usage after the message and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

export interface CliSpec<O extends Record<string, OptionSpec>> {
  /** As in `malwar <tool>: …` and `bun run <tool>`. */
  tool: string;
  /** The full text `--help` prints. */
  usage: string;
  options: O;
  /** Most positionals a command takes (default 0). */
  maxPositionals?: number;
}

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean;
};

export interface ParsedArgs<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  positionals: string[];
}

/** `help` when --help/-h is anywhere among the arguments (then nothing else is checked). */
export function parseCli<O extends Record<string, OptionSpec>>(
  spec: CliSpec<O>,
  argv: readonly string[],
): ParsedArgs<O> | "help" {
  if (argv.some((a) => a === "--help" || a === "-h")) return "help";
  const known = new Map<string, OptionSpec>(Object.entries(spec.options));
  const shorts = new Map<string, string>();
  for (const [name, option] of known) if (option.short) shorts.set(option.short, name);
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      [...known].map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
    ),
    // Not strict: what is wrong is reported below in our words rather than parseArgs' own.
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const list = tokens ?? [];
  for (let i = 0; i < list.length; i++) {
    const token = list[i];
    if (token === undefined) continue;
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === "option-terminator") continue;
    const name = token.rawName.startsWith("--") ? token.name : (shorts.get(token.name) ?? token.name);
    const option = known.get(name);
    if (option === undefined) throw new UsageError(`unknown option ${token.rawName}`);
    if (name in values) throw new UsageError(`${token.rawName} given twice`);
    if (option.type === "boolean") {
      if (token.inlineValue) throw new UsageError(`${token.rawName} takes no value`);
      values[name] = true;
      continue;
    }
    const value = token.value;
    // parseArgs takes the next word whatever it is: `--to --force` is a missing value, not a path.
    if (value === undefined || (!token.inlineValue && value.startsWith("-") && value !== "-")) {
      throw new UsageError(`${token.rawName} needs a value`);
    }
    values[name] = value;
  }
  const max = spec.maxPositionals ?? 0;
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`);
  }
  return { values: values as Values<O>, positionals };
}

/** `malwar <tool>: <message>`; a password in a URL never shows. Multi-line messages keep their lines. */
export function errorLine(tool: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof MalwarError ? `${error.name}: ` : "";
  return `malwar ${tool}: ${kind}${redactUrl(message)}`;
}

/**
 * Runs a CLI's body and turns its outcome into the exit code: the body's own code, 2 after a
 * UsageError (with the usage), 1 after anything else. `process.exitCode` rather than exit(), so
 * output still buffered reaches the pipe.
 */
export async function runCli(tool: string, usage: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`malwar ${tool}: ${error.message}\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(errorLine(tool, error));
      process.exitCode = 1;
    }
  }
}

/** Prints usage for --help; the caller returns 0 before doing anything else. */
export function printHelp(usage: string): number {
  console.log(usage);
  return 0;
}

/**
 * For scripts whose body is top-level code (bench/run.ts): --help prints the usage and exits 0,
 * a usage error (also one `check` throws) prints the message and the usage and exits 2, before
 * anything else runs.
 */
export function parseOrExit<O extends Record<string, OptionSpec>, T>(
  spec: CliSpec<O>,
  argv: readonly string[],
  check: (parsed: ParsedArgs<O>) => T,
): T {
  try {
    const parsed = parseCli(spec, argv);
    if (parsed === "help") {
      console.log(spec.usage);
      process.exit(0);
    }
    return check(parsed);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`malwar ${spec.tool}: ${message}\n${spec.usage}`);
    process.exit(2);
  }
}
