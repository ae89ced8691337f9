/**
 * Names handed out once each — `base`, then `base_1`, `base_2` … — for the graph builders of the
 * format importers (MXNet, Keras), whose value and node names must be unique in a graph.
 */
export class NameSet {
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const n of reserved) this.#taken.add(n);
  }

  /** Whether `name` is taken. */
  has(name: string): boolean {
    return this.#taken.has(name);
  }

  /** Marks `name` taken (a name the source itself uses). */
  add(name: string): void {
    this.#taken.add(name);
  }

  /** The first free name of `base`, `base_1`, `base_2` …, now taken. */
  take(base: string): string {
    let name = base;
    for (let i = 1; this.#taken.has(name); i++) name = `${base}_${i}`;
    this.#taken.add(name);
    return name;
  }
}
