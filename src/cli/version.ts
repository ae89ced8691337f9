/** nnport's own version, from its package.json (shown by --version, written into outputs that name their converter). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json, read once. */
export function nnportVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}
