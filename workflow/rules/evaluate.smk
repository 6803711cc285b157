# Evaluate stage: word similarity, kNN text classification, retrieval recall and nearest neighbours
# of every representation, one job per embedding x variant scoring each of its seeds, with the per-item
# outputs kept for paired significance tests; then one tidy table of all scores and one of the
# jobs' runtimes and memory.


rule retrieval_truth:
    input:
        vectors="results/embeddings/{embedding}/vectors.npy",
    output:
        "results/retrieval/{embedding}/truth.npz",
    log:
        "logs/retrieval_truth/{embedding}.log",
    benchmark:
        "benchmarks/retrieval_truth/{embedding}.tsv"
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(3, 1000),
        runtime=30,
    params:
        retrieval=config["evaluation"]["retrieval"],
    script:
        "../scripts/retrieval_truth.py"


# Every seed of a representation in one job, the pairs and texts read once; one rule per seed
# count (a rule's outputs are fixed files), all the stage's "evaluate" in logs/ and benchmarks/.
for n_seeds, variants in by_seed_count(REPRESENTATIONS).items():

    rule:
        name:
            f"evaluate_seeds_{n_seeds}"
        input:
            unpack(representation_files),
            pairs=expand("resources/data/{resource}", resource=WORD_SIM),
            texts=classification_files(),
            retrieval_truth="results/retrieval/{embedding}/truth.npz",
        output:
            **evaluation_outputs(n_seeds),
        wildcard_constraints:
            variant=_alternatives(variants),
        log:
            "logs/evaluate/{embedding}/{variant}.log",
        benchmark:
            "benchmarks/evaluate/{embedding}/{variant}.tsv"
        conda:
            "../../envs/evaluate.yaml"
        threads: 1
        resources:
            mem_mb=evaluate_memory,
            runtime=lambda wildcards: 60 * len(job_seeds(wildcards)),
        params:
            seeds=job_seeds,
            datasets=WORD_SIM,
            tasks={task: CLASSIFICATION_RESOURCES[task] for task in TASKS},
            knn=config["evaluation"]["knn"],
            neighbours=config["evaluation"]["neighbours"],
            retrieval=config["evaluation"]["retrieval"],
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
