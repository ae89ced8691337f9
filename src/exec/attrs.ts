/**
 * Reading a node's attributes inside kernels: typed getters that name the node and attribute in
 * their error (INVALID_STRUCTURE) when the value has the wrong kind.
 */
import { NnportError } from '../core/errors.js';
import type { KernelContext } from './kernel.js';

function wrong(ctx: KernelContext, name: string, want: string): never {
  throw new NnportError('INVALID_STRUCTURE', `attribute '${name}' of ${ctx.node.op} is not ${want}`, {
    at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op },
  });
}

/** An int attribute (or `fallback` when absent). */
export function attrInt(ctx: KernelContext, name: string, fallback?: number): number {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback ?? wrong(ctx, name, 'given');
  if (a.type !== 'int') return wrong(ctx, name, 'an int');
  return Number(a.value);
}

/** A float attribute (or `fallback`). */
export function attrFloat(ctx: KernelContext, name: string, fallback?: number): number {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback ?? wrong(ctx, name, 'given');
  if (a.type === 'int') return Number(a.value);
  if (a.type !== 'float') return wrong(ctx, name, 'a float');
  return a.value;
}

/** A string attribute (or `fallback`). */
export function attrString(ctx: KernelContext, name: string, fallback?: string): string {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback ?? wrong(ctx, name, 'given');
  if (a.type !== 'string') return wrong(ctx, name, 'a string');
  return a.value;
}

/** An ints attribute (or `fallback`; undefined when absent without one). */
export function attrInts(
  ctx: KernelContext,
  name: string,
  fallback?: readonly number[],
): readonly number[] | undefined {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback;
  if (a.type !== 'ints') return wrong(ctx, name, 'a list of ints');
  return a.value.map(Number);
}

/** A floats attribute (or `fallback`). */
export function attrFloats(
  ctx: KernelContext,
  name: string,
  fallback?: readonly number[],
): readonly number[] | undefined {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback;
  if (a.type !== 'floats') return wrong(ctx, name, 'a list of floats');
  return a.value;
}

/** A strings attribute (or `fallback`). */
export function attrStrings(
  ctx: KernelContext,
  name: string,
  fallback?: readonly string[],
): readonly string[] | undefined {
  const a = ctx.attrs[name];
  if (a === undefined) return fallback;
  if (a.type !== 'strings') return wrong(ctx, name, 'a list of strings');
  return a.value;
}
