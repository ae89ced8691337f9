/**
 * Command-line parsing shared by the commands: Node's own `util.parseArgs` (no dependency), with
 * usage errors turned into NnportError USAGE so they exit 2 like every other error.
 */
import { parseArgs } from 'node:util';
import { NnportError } from '../core/errors.js';

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  json: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

/** One option's declaration, as `parseArgs` takes it; `multiple` options collect every occurrence. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

/** The value of one option: a list for `multiple` options (`--input a --input b`). */
type OptionValue<S extends OptionSpec> = S['type'] extends 'string'
  ? S extends { readonly multiple: true }
    ? string[]
    : string
  : S extends { readonly multiple: true }
    ? boolean[]
    : boolean;

/** The parsed values of a set of option declarations. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: OptionValue<O[K]>;
};

/** Parses a command's arguments strictly; unknown options and missing values are USAGE errors. */
export function parse<O extends Record<string, OptionSpec>>(
  argv: string[],
  options: O,
): { values: OptionValues<O & typeof COMMON_OPTIONS>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as OptionValues<O & typeof COMMON_OPTIONS>, positionals: r.positionals };
  } catch (e) {
    throw new NnportError('USAGE', e instanceof Error ? e.message : String(e));
  }
}

/** Parses a non-negative number option. */
export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new NnportError('USAGE', `--${name} needs a non-negative number, not '${value}'`);
  }
  return n;
}

/** Requires exactly `count` positional arguments (or between min and max). */
export function positionals(list: string[], min: number, max: number, usage: string): string[] {
  if (list.length < min || list.length > max) throw new NnportError('USAGE', `usage: ${usage}`);
  return list;
}
