import sys

from binembed.errors import InputError, log_job_to

log_job_to(snakemake.log[0])

import json

import numpy as np
import pandas as pd

from binembed.evaluation.retrieval import neighbour_hits, recall_at
from binembed.evaluation.scores import (
    KnnSettings,
    UndefinedEvaluation,
    classify,
    load_representations,
    nearest_words,
    word_similarity,
)
from binembed.fileio.datasets import classification_split, read_word_similarity
from binembed.fileio.files import write_table
from binembed.threads import use_threads

use_threads(snakemake.threads)
wildcards, params, output = snakemake.wildcards, snakemake.params, snakemake.output
pair_tables = [read_word_similarity(path) for path in snakemake.input.pairs]
files = dict(
    zip(sorted({name for splits in params.tasks.values() for name in splits.values()}), snakemake.input.texts)
)
task_texts = {
    task: classification_split(task, {split: files[name] for split, name in task_files.items()})
    for task, task_files in params.tasks.items()
}
# every word the job asks for, found in one pass over the vocabulary of each seed's representation
words = [
    *(word for table in pair_tables for word in (*table["word1"], *table["word2"])),
    *(word for data in task_texts.values() for part in data for text in part.texts for word in text),
    *params.neighbours["words"],
]
settings = KnnSettings.from_config(params.knn)
with np.load(snakemake.input.retrieval_truth) as truth_file:
    retrieval_queries, retrieval_truth = truth_file["queries"], truth_file["truth"]
METRIC_NAMES = {"accuracy": "accuracy", "macro_f1": "macro_f1", "pooled_ones_fraction": "pooled_ones"}
n_tasks = len(task_texts)


def evaluate_seed(index, seed, representation):
    """Every output of one seed: its files are entry ``index`` of each output list."""
    run = {"embedding": wildcards.embedding, "method": wildcards.variant, "seed": seed}
    representation.look_up(words)

    # Word similarity: Spearman x 100 per set, and every pair's similarity.
    summaries, pairs = [], []
    for dataset, path, table in zip(params.datasets, snakemake.input.pairs, pair_tables):
        per_pair, summary = word_similarity(representation, table)
        if summary["n_used"] == 0:
            raise InputError(
                f"{path}: no pair of {dataset!r} has both words in the vocabulary of "
                f"{wildcards.embedding!r} (is it the right language or casing?)"
            )
        if "undefined" in summary:
            print(
                f"WARNING: {wildcards.embedding} {wildcards.variant} seed {seed} {dataset}: Spearman is "
                f"undefined (NaN): {summary['undefined']}",
                file=sys.stderr,
            )
        pairs.append(per_pair.assign(dataset=dataset))
        summaries.append(
            {
                "dataset": dataset,
                "metric": "spearman",
                "value": summary["spearman"],
                "n_used": summary["n_used"],
                "n_total": summary["n_total"],
                "coverage": summary["coverage"],
            }
        )
    write_table(pd.DataFrame(summaries).assign(**run, task="word_similarity"), output.word_similarity[index])
    write_table(
        pd.concat(pairs, ignore_index=True).assign(**run, task="word_similarity"), output.pairs[index]
    )

    # Text classification: accuracy and macro-F1 in percent, for codes the percentage of ones in the
    # OR-pooled test codes (saturation), and every test text's prediction.
    for offset, (task, (train, test)) in enumerate(task_texts.items()):
        try:
            per_text, summary = classify(representation, train, test, settings)
        except UndefinedEvaluation as error:
            raise UndefinedEvaluation(
                f"{wildcards.embedding} {wildcards.variant} seed {seed}: classification task {task!r} "
                f"(config key 'evaluation.classification'): {error}"
            ) from None
        metrics = [m for m in ("accuracy", "macro_f1", "pooled_ones_fraction") if m in summary]
        details = json.dumps({key: summary[key] for key in summary if key not in metrics})
        rows = [
            {
                "dataset": task,
                "metric": METRIC_NAMES[metric],
                "value": 100.0 * summary[metric],
                "n_used": summary["n_test"],
                "n_total": summary["n_test"],
                "coverage": summary["token_coverage"],
                "k": summary["k"],
                "details": details,
            }
            for metric in metrics
        ]
        position = index * n_tasks + offset
        write_table(pd.DataFrame(rows).assign(**run, task="classification"), output.classification[position])
        write_table(per_text.assign(**run, task="classification", dataset=task), output.predictions[position])
        print(f"seed {seed}", task, json.dumps(summary), file=sys.stderr)

    # Nearest neighbours of the configured words over the whole vocabulary.
    tables = []
    for word in params.neighbours["words"]:
        try:
            tables.append(nearest_words(representation, word, params.neighbours["k"]))
        except KeyError:
            print(f"{word!r} is not in the vocabulary: no neighbours listed", file=sys.stderr)
    neighbours = (
        pd.concat(tables, ignore_index=True)
        if tables
        else pd.DataFrame(columns=["query", "rank", "word", "distance"])
    )
    write_table(neighbours.assign(**run), output.neighbours[index])

    # Retrieval: recall of the true neighbours among the k nearest, and among the candidates that
    # re-ranking by cosine reorders (binembed.evaluation.retrieval).
    k, candidates = params.retrieval["k"], params.retrieval["candidates"]
    hits = neighbour_hits(
        representation.matrix, retrieval_queries, retrieval_truth, [k, candidates], representation.binary
    )
    recall, reranked = recall_at(hits, k)
    details = json.dumps(
        {"candidates": candidates, "queries": len(retrieval_queries), "query_seed": params.retrieval["seed"]}
    )
    write_table(
        pd.DataFrame(
            [
                {"dataset": "vocabulary", "metric": metric, "value": value, "k": k, "details": details}
                for metric, value in (("recall", recall), ("recall_reranked", reranked))
            ]
        ).assign(
            **run,
            task="retrieval",
            n_used=len(retrieval_queries),
            n_total=len(retrieval_queries),
            coverage=1.0,
        ),
        output.retrieval[index],
    )
    print(
        f"seed {seed} retrieval recall@{k} {recall:.2f}, re-ranked from {candidates} {reranked:.2f}",
        file=sys.stderr,
    )


for index, (seed, representation) in enumerate(
    zip(params.seeds, load_representations(snakemake.input), strict=True)
):
    evaluate_seed(index, seed, representation)
