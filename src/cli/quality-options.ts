import type { Command } from "commander";
import { collect, intArg, numberArg } from "./options.js";
import { parsePrice, PriceError, type Price } from "../quality/cost.js";
import { DatasetError, DEFAULT_CANDIDATES, openDataset, type Dataset } from "../quality/dataset.js";

// The --dataset / --candidates / --price flags of compare, and --dataset / --min-ndcg of check.

export interface QualityFlags {
  dataset?: string;
  candidates: number;
  price?: string[];
}

export function addDatasetOptions(cmd: Command): Command {
  return cmd
    .option(
      "--dataset <path>",
      "labelled data: an MTEB reranking JSONL file ({query, positive, negative} per line) or a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)",
    )
    .option("--candidates <k>", "BEIR: first-stage (BM25) candidates reranked per query", intArg(1), DEFAULT_CANDIDATES);
}

export function addPriceOption(cmd: Command): Command {
  return cmd.option("--price <target=price>", "price of a target (by its label), repeatable: 2/1k-searches, 1/1k-requests, 0.001/request, 2.5/hour", collect);
}

export function addMinNdcgOption(cmd: Command): Command {
  return cmd.option("--min-ndcg <x>", "with --dataset: the check relevance.dataset fails when NDCG@10 is below this", numberArg(0));
}

/** Reads and validates --dataset (BEIR: indexes the corpus and retrieves the candidates) before any target starts. */
export async function datasetFrom(flags: Pick<QualityFlags, "dataset" | "candidates">, seed: number): Promise<Dataset | undefined> {
  if (!flags.dataset) return undefined;
  try {
    return await openDataset(flags.dataset, { candidates: flags.candidates, seed });
  } catch (err) {
    // The same error, naming the flag as the other input files' errors do.
    if (err instanceof DatasetError) throw new DatasetError(err.file, err.line, err.why, "--dataset");
    throw err;
  }
}

export function pricesFrom(flags: Pick<QualityFlags, "price">): Price[] {
  const prices = (flags.price ?? []).map(parsePrice);
  const twice = prices.find((p, i) => prices.findIndex((q) => q.target === p.target) !== i);
  if (twice) throw new PriceError(`--price ${twice.target}: given twice`);
  return prices;
}
