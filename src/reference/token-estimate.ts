import { DecayingRatio } from "./decaying-ratio.js";

/**
 * Tokens a (query, document) pair will have, estimated from its length in characters before it
 * is tokenized: admission weighs a request by this estimate, so a request that is refused or
 * abandoned is never tokenized at all.
 *
 * Characters per token is seeded by a calibration pair and then learnt from the pairs the model
 * tokenizes (both sums decay over about `halfLifeTokens` tokens, so it follows the traffic's
 * language and vocabulary). Truncated pairs teach it nothing: their text is longer than their tokens.
 */
export class TokenEstimate {
  private readonly ratio: DecayingRatio;

  constructor(
    /** The model's limit on a pair's tokens, special tokens included. */
    private readonly maxLength: number,
    /** Special tokens the pair template adds ([CLS], [SEP] …). */
    private readonly specialTokens: number,
    halfLifeTokens = 20_000,
  ) {
    this.ratio = new DecayingRatio(halfLifeTokens);
  }

  /** Records one tokenized pair: `chars` of text became `tokens` tokens (special tokens excluded). */
  observe(chars: number, tokens: number): void {
    this.ratio.observe(chars, tokens);
  }

  /** Characters per token, or undefined before the first observation. */
  get charsPerToken(): number | undefined {
    return this.ratio.value;
  }

  /**
   * Expected tokens of a pair of `chars` characters, capped at `maxLength` (a lower per-request
   * limit) or the model's; before any observation, four characters a token.
   */
  pair(chars: number, maxLength = this.maxLength): number {
    const limit = Math.min(maxLength, this.maxLength);
    return Math.min(limit, this.specialTokens + Math.ceil(chars / (this.charsPerToken ?? 4)));
  }
}
