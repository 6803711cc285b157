# Evaluate stage: word similarity and kNN text classification of every representation, with the
# per-item outputs kept for paired significance tests, then one tidy table of all scores.


rule word_similarity:
    input:
        unpack(representation_files),
        pairs=expand("resources/data/{resource}", resource=WORD_SIM),
    output:
        summary="results/eval/{embedding}/{method}/seed-{seed}/word_similarity.csv",
        pairs="results/eval/{embedding}/{method}/seed-{seed}/word_similarity_pairs.csv",
    log:
        "logs/word_similarity/{embedding}/{method}/seed-{seed}.log",
    conda:
        "../../envs/evaluate.yaml"
    resources:
        mem_mb=4000,
    params:
        datasets=WORD_SIM,
    script:
        "../scripts/word_similarity.py"


rule classification:
    input:
        unpack(classification_inputs),
    output:
        summary="results/eval/{embedding}/{method}/seed-{seed}/classification/{task}.csv",
        predictions="results/eval/{embedding}/{method}/seed-{seed}/classification/{task}_predictions.csv",
    log:
        "logs/classification/{embedding}/{method}/seed-{seed}/{task}.log",
    benchmark:
        "benchmarks/classification/{embedding}/{method}/seed-{seed}/{task}.tsv"
    conda:
        "../../envs/evaluate.yaml"
    threads: 2
    resources:
        mem_mb=4000,
    params:
        knn=config["evaluation"]["knn"],
        splits=lambda wildcards: list(CLASSIFICATION_RESOURCES[wildcards.task]),
    script:
        "../scripts/classification.py"


rule scores_table:
    input:
        evaluation_summaries(),
    output:
        "results/tables/scores.csv",
    log:
        "logs/scores_table/scores.log",
    conda:
        "../../envs/evaluate.yaml"
    script:
        "../scripts/scores_table.py"
