import { seededRandom } from '@flux-gate/run-format';

/** A uniform random sample of at most `capacity` values from a stream (algorithm R), seeded so it is reproducible. */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;
  private readonly random: () => number;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  add(value: number): void {
    this.seen++;
    if (this.values.length < this.capacity) {
      this.values.push(value);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.values[j] = value;
  }
}
