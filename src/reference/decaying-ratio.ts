/**
 * The ratio of two running sums whose past decays with the denominator's own measure: each
 * observation keeps 0.5 ** (denominator / halfLife) of what came before. The ratio follows a
 * change within a few half-lives, and one outlier moves it only by its share of that window.
 */
export class DecayingRatio {
  private numerator = 0;
  private denominator = 0;

  constructor(private readonly halfLife: number) {}

  /** Records one observation; ignored unless both parts are positive. */
  observe(numerator: number, denominator: number): void {
    if (!(numerator > 0) || !(denominator > 0)) return;
    const keep = 0.5 ** (denominator / this.halfLife);
    this.numerator = this.numerator * keep + numerator;
    this.denominator = this.denominator * keep + denominator;
  }

  /** numerator / denominator, or undefined before the first observation. */
  get value(): number | undefined {
    return this.denominator > 0 ? this.numerator / this.denominator : undefined;
  }
}
