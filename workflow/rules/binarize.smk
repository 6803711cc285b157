# Binarize stage: one job per embedding x variant, writing each seed's BinaryCodes .npz (for a large
# vocabulary, per seed a fit job and encode jobs of chunk_rows words, and the binarize job joining
# them); and the tuning of embedding-specific parameters (I_boost, tol, v_th) on a word-similarity set.


rule tune:
    wildcard_constraints:
        variant=_alternatives(sorted({v for _, v in TUNED_RUNS})),
    input:
        unpack(lambda wildcards: embedding_files(wildcards.embedding)),
        pairs=lambda wildcards: expand(
            "resources/data/{resource}", resource=tuning_sets()
        ),
    output:
        choice="results/tuning/{embedding}/{variant}.json",
        grid="results/tuning/{embedding}/{variant}.csv",
    log:
        "logs/tune/{embedding}/{variant}.log",
    benchmark:
        "benchmarks/tune/{embedding}/{variant}.tsv"
    conda:
        "../../envs/binarize.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(6, 500),
        runtime=60,
    params:
        method=lambda wildcards: VARIANTS[wildcards.variant][0],
        params=lambda wildcards: run_params(wildcards.embedding, wildcards.variant),
        grid=TUNING["grid"],
        protocol=TUNING["protocol"],
        datasets=tuning_sets(),
        rate_words=TUNING.get("rate_words", 1000),
    script:
        "../scripts/tune.py"


rule rate_limited_choice:
    input:
        grid=lambda wildcards: f"results/tuning/{wildcards.embedding}/{RATE_LIMITED[wildcards.variant][0]}.csv",
    output:
        choice="results/tuning/{embedding}/{variant}.json",
    wildcard_constraints:
        variant=_alternatives(RATE_LIMITED),
    log:
        "logs/rate_limited_choice/{embedding}/{variant}.log",
    conda:
        "../../envs/binarize.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        method=lambda wildcards: RATE_LIMITED[wildcards.variant][0],
        ceiling_hz=lambda wildcards: RATE_LIMITED[wildcards.variant][1],
        grid=TUNING["grid"],
        protocol=TUNING["protocol"],
        datasets=tuning_sets(),
    script:
        "../scripts/rate_limited_choice.py"


rule fit_binarizer:
    input:
        unpack(fit_inputs),
    output:
        "results/models/{embedding}/{variant}/seed-{seed}.pkl",
    log:
        "logs/fit_binarizer/{embedding}/{variant}/seed-{seed}.log",
    benchmark:
        "benchmarks/fit_binarizer/{embedding}/{variant}/seed-{seed}.tsv"
    conda:
        "../../envs/binarize.yaml"
    threads: lambda wildcards: method_of(wildcards).threads
    priority: longest_first
    resources:
        mem_mb=binarize_memory,
        runtime=binarize_runtime,
    params:
        method=lambda wildcards: VARIANTS[wildcards.variant][0],
        params=lambda wildcards: run_params(wildcards.embedding, wildcards.variant),
    script:
        "../scripts/fit_binarizer.py"


rule encode_chunk:
    input:
        model="results/models/{embedding}/{variant}/seed-{seed}.pkl",
        vectors="results/embeddings/{embedding}/vectors.npy",
    output:
        temp("results/chunks/{embedding}/{variant}/seed-{seed}/chunk-{chunk}.npy"),
    log:
        "logs/encode_chunk/{embedding}/{variant}/seed-{seed}/chunk-{chunk}.log",
    benchmark:
        "benchmarks/encode_chunk/{embedding}/{variant}/seed-{seed}/chunk-{chunk}.tsv"
    conda:
        "../../envs/binarize.yaml"
    threads: lambda wildcards: method_of(wildcards).threads
    priority: longest_first
    resources:
        mem_mb=binarize_memory,
        runtime=binarize_runtime,
    params:
        rows=lambda wildcards: row_chunks_of(wildcards.embedding)[int(wildcards.chunk)],
    script:
        "../scripts/encode_chunk.py"


# Every seed of a variant in one job (reading the vectors and importing once), one rule per seed
# count since a rule's outputs are fixed files; a method with Method.own_job_per_seed runs one
# job per seed instead (binarize_each_seed). Both are the stage's "binarize" in logs/ and benchmarks/.
for n_seeds, variants in by_seed_count(v for v in VARIANTS if not one_job_per_seed(v)).items():

    rule:
        name:
            f"binarize_seeds_{n_seeds}"
        input:
            unpack(binarize_inputs),
        output:
            expand(
                "results/codes/{{embedding}}/{{variant}}/seed-{seed}.npz",
                seed=range(n_seeds),
            ),
        wildcard_constraints:
            variant=_alternatives(variants),
        log:
            "logs/binarize/{embedding}/{variant}.log",
        benchmark:
            "benchmarks/binarize/{embedding}/{variant}.tsv"
        conda:
            "../../envs/binarize.yaml"
        threads: lambda wildcards: method_of(wildcards).threads
        priority: longest_first
        resources:
            mem_mb=binarize_memory,
            runtime=binarize_runtime,
        params:
            method=lambda wildcards: VARIANTS[wildcards.variant][0],
            params=lambda wildcards: run_params(wildcards.embedding, wildcards.variant),
            seeds=job_seeds,
        script:
            "../scripts/binarize.py"


rule binarize_each_seed:
    input:
        unpack(binarize_inputs),
    output:
        "results/codes/{embedding}/{variant}/seed-{seed}.npz",
    wildcard_constraints:
        variant=_alternatives([v for v in VARIANTS if one_job_per_seed(v)]),
    log:
        "logs/binarize/{embedding}/{variant}/seed-{seed}.log",
    benchmark:
        "benchmarks/binarize/{embedding}/{variant}/seed-{seed}.tsv"
    conda:
        "../../envs/binarize.yaml"
    threads: lambda wildcards: method_of(wildcards).threads
    priority: longest_first
    resources:
        mem_mb=binarize_memory,
        runtime=binarize_runtime,
    params:
        method=lambda wildcards: VARIANTS[wildcards.variant][0],
        params=lambda wildcards: run_params(wildcards.embedding, wildcards.variant),
        seeds=job_seeds,
    script:
        "../scripts/binarize.py"


rule spike_raster:
    input:
        unpack(spike_raster_inputs),
    output:
        rasters="results/spike_rasters/{embedding}.npz",
        rates="results/spike_rasters/{embedding}_firing_rates.csv",
    log:
        "logs/spike_raster/{embedding}.log",
    conda:
        "../../envs/binarize.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(3, 500),
        runtime=30,
    params:
        runs=lambda wildcards: {
            variant: {
                "method": VARIANTS[variant][0],
                "params": run_params(wildcards.embedding, variant),
                "seeds": seeds_for(variant)[: config["spike_raster"]["seeds"]],
            }
            for variant in spiking_variants()
        },
        word=config["spike_raster"]["word"],
        neuron=config["spike_raster"]["neuron"],
        rate_words=config["spike_raster"]["rate_words"],
        ceiling_hz=PRODUCTS["firing_rate_ceiling_hz"],
    script:
        "../scripts/spike_raster.py"
