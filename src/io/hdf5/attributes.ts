/**
 * Typed attribute reads on top of `Hdf5View.attribute`: a string (fixed-length bytes or
 * variable-length UTF-8, alone or as a one-element array), a list of strings, a number, and a
 * JSON document stored as a string (how Keras keeps its configs). A present attribute of the
 * wrong kind is INVALID_STRUCTURE at `PATH@NAME`; an absent one is undefined.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import type { Hdf5View } from './view.js';

function wrongKind(path: string, name: string, what: string): NnportError {
  return new NnportError('INVALID_STRUCTURE', `attribute '${name}' is not ${what}`, {
    at: { path: `${path}@${name}` },
  });
}

/** A string attribute (a one-element string array counts). */
export function stringAttribute(view: Hdf5View, path: string, name: string): string | undefined {
  const value = view.attribute(path, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  throw wrongKind(path, name, 'a string');
}

/**
 * A list-of-strings attribute. A single string is a one-element list; an empty numeric array
 * (numpy stores `[]` as float64) is the empty list.
 */
export function stringListAttribute(view: Hdf5View, path: string, name: string): string[] | undefined {
  const value = view.attribute(path, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw wrongKind(path, name, 'a list of strings');
}

/** A numeric scalar attribute (a one-element array counts). */
export function numberAttribute(view: Hdf5View, path: string, name: string): number | undefined {
  const value = view.attribute(path, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') return value[0];
  throw wrongKind(path, name, 'a number');
}

/** A JSON document stored in a string attribute, parsed. */
export function jsonAttribute(view: Hdf5View, path: string, name: string): JsonValue | undefined {
  const text = stringAttribute(view, path, name);
  return text === undefined ? undefined : parseJson(text, `${path}@${name}`);
}

/** Parses JSON text; INVALID_STRUCTURE at `where` when it is not JSON. */
export function parseJson(text: string, where: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new NnportError('INVALID_STRUCTURE', `not valid JSON: ${(e as Error).message}`, {
      at: { path: where },
      cause: e,
    });
  }
}
