/**
 * Terminal output helpers: aligned tables, human sizes, JSON documents, and a progress bar that
 * appears only when stderr is a terminal (DESIGN §3).
 */

/** Prints a JSON document on stdout (bigints as exact integers). */
export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
}

/** Renders rows as an aligned table; `right` marks right-aligned (numeric) columns. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** 1536 → "1.5 KiB". */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** 1234567 → "1,234,567". */
export function groupDigits(n: number): string {
  return n.toLocaleString('en-US');
}

/** Whether colour may be used on a stream (NO_COLOR and TTY rules). */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined;
}

/** A progress bar on stderr, drawn only when stderr is a terminal; at most ten redraws a second. */
export class Progress {
  readonly #label: string;
  readonly #enabled: boolean;
  #last = 0;
  #drawn = false;

  constructor(label: string) {
    this.#label = label;
    this.#enabled = process.stderr.isTTY === true;
  }

  /** Updates the bar. */
  update(done: number, total: number): void {
    if (!this.#enabled || total <= 0) return;
    const now = Date.now();
    if (now - this.#last < 100 && done < total) return;
    this.#last = now;
    const width = 30;
    const frac = Math.min(1, done / total);
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    process.stderr.write(
      `\r${this.#label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${humanBytes(done)} of ${humanBytes(total)}\x1b[K`,
    );
    this.#drawn = true;
  }

  /** Clears the bar. */
  done(): void {
    if (this.#drawn) process.stderr.write('\r\x1b[K');
    this.#drawn = false;
  }
}

/** "1 tensor", "2 tensors". */
export function plural(n: number, noun: string): string {
  return `${groupDigits(n)} ${noun}${n === 1 ? '' : 's'}`;
}
