export { LabelledSet, relevanceSets, seedSet } from "../util/relevance-sets.js";

/** Five documents with graded overlap with the query, so their scores differ. */
export const GRADED = {
  query: "What is the capital of France?",
  documents: [
    "Horses and cows are both animals.",
    "The capital of France is Paris.",
    "France is a country in Europe.",
    "The capital of Brazil is Brasilia.",
    "Photosynthesis turns light into chemical energy.",
  ],
};

/** Unicode that servers mangle: accents, CJK, RTL, emoji (ZWJ and flags), combining marks, astral planes. */
export const UNICODE_DOCUMENTS = [
  "Crème brûlée and façade: naïve café déjà vu.",
  "東京は日本の首都です。北京是中国的首都。",
  "القاهرة هي عاصمة مصر",
  "Family 👨‍👩‍👧‍👦, flags 🇫🇷🇯🇵, skin tones 👍🏽 and 😀",
  "Combining: e\u0301 a\u0308 n\u0303; math 𝔸𝔹ℂ; music 𝄞",
];

/** Whitespace and punctuation that must survive an echo byte for byte. */
export const ECHO_DOCUMENTS = [
  "  leading and trailing spaces  ",
  "line one\nline two\ttabbed",
  "quotes \"double\" and 'single', backslash \\ and <html> & entities",
  "Paris ist die Hauptstadt Frankreichs. 🇫🇷",
];

/** About 20,000 words: past any cross-encoder's context (512 tokens for BERT-style models). */
export function longDocument(words = 20_000): string {
  const vocab = ["capital", "river", "museum", "history", "mountain", "city", "ocean", "music", "science", "language"];
  return Array.from({ length: words }, (_, i) => vocab[(i * 7) % vocab.length]).join(" ");
}
