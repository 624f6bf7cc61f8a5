/**
 * A small seeded generator (mulberry32), so that one seed gives one
 * schedule of faults and one sequence of workload choices. Streams are
 * split by name, so adding a worker does not shift the fault schedule.
 * The generator itself is the model's test generator ({@link Prng}).
 */
import { Prng } from '@brigade/crdt-model/testing';

export class Rng extends Prng {
  /** A generator of its own for `name`, fixed by this one's seed. */
  static stream(seed: number, name: string): Rng {
    let h = seed >>> 0;
    for (let i = 0; i < name.length; i++) {
      h = Math.imul(h ^ name.charCodeAt(i), 0x9e3779b1) >>> 0;
    }
    return new Rng(h);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A fresh seed for a run that was not given one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
