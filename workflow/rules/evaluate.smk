# Evaluate stage: word similarity, kNN text classification and nearest neighbours of every
# representation in one job per run, with the per-item outputs kept for paired significance
# tests; then one tidy table of all scores and one of the jobs' runtimes and memory.


rule evaluate:
    input:
        unpack(representation_files),
        pairs=expand("resources/data/{resource}", resource=WORD_SIM),
        texts=classification_files(),
    output:
        word_similarity="results/eval/{embedding}/{variant}/seed-{seed}/word_similarity.csv",
        pairs="results/eval/{embedding}/{variant}/seed-{seed}/word_similarity_pairs.csv",
        neighbours="results/eval/{embedding}/{variant}/seed-{seed}/neighbours.csv",
        classification=expand(
            "results/eval/{{embedding}}/{{variant}}/seed-{{seed}}/classification/{task}.csv",
            task=TASKS,
        ),
        predictions=expand(
            "results/eval/{{embedding}}/{{variant}}/seed-{{seed}}/classification/{task}_predictions.csv",
            task=TASKS,
        ),
    log:
        "logs/evaluate/{embedding}/{variant}/seed-{seed}.log",
    benchmark:
        "benchmarks/evaluate/{embedding}/{variant}/seed-{seed}.tsv"
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(2.5, 1000),
        runtime=60,
    params:
        datasets=WORD_SIM,
        tasks={task: CLASSIFICATION_RESOURCES[task] for task in TASKS},
        knn=config["evaluation"]["knn"],
        neighbours=config["evaluation"]["neighbours"],
    script:
        "../scripts/evaluate.py"


rule scores_table:
    input:
        evaluation_summaries(),
    output:
        "results/tables/scores.csv",
    log:
        "logs/scores_table/scores.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/scores_table.py"


rule benchmark_table:
    input:
        benchmark_files(),
    output:
        "results/tables/benchmarks.csv",
    log:
        "logs/benchmark_table/benchmarks.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "../scripts/benchmark_table.py"
