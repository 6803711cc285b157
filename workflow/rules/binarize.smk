# Binarize stage: one job per embedding x method x seed, writing a BinaryCodes .npz.


rule binarize:
    input:
        vectors="results/embeddings/{embedding}/vectors.npy",
        vocab="results/embeddings/{embedding}/vocab.txt",
    output:
        "results/codes/{embedding}/{method}/seed-{seed}.npz",
    log:
        "logs/binarize/{embedding}/{method}/seed-{seed}.log",
    benchmark:
        "benchmarks/binarize/{embedding}/{method}/seed-{seed}.tsv"
    conda:
        "../../envs/binarize.yaml"
    threads: 2
    resources:
        mem_mb=4000,
    params:
        params=lambda wildcards: config["params"].get(wildcards.method, {}),
    script:
        "../scripts/binarize.py"
