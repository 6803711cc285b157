# Products stage: the tables and figures of Wang et al. (2019) and Entjes (2021) with paired
# significance tests, a storage table, a quality-versus-bits chart and a fidelity note, under
# results/products/. Every output people read is marked for `snakemake --report`
# (table_outputs and figure_outputs in common.smk, where the runs each product reads are listed).


rule table1_word_similarity:
    input:
        scores="results/tables/scores.csv",
        pairs=[f"{run_dir(*run)}/word_similarity_pairs.csv" for run in EVERY_RUN],
    output:
        **table_outputs("table1_word_similarity", "Table 1 (Wang et al.)", "table1", tests=True),
    log:
        "logs/products/table1_word_similarity.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        methods=REPRESENTATIONS,
        embeddings=EMBEDDINGS,
        baseline=PRODUCTS["baseline"],
        alpha=PRODUCTS["alpha"],
        bootstrap=PRODUCTS["bootstrap"],
        paper_vectors=PRODUCTS["paper_vectors"],
        rate_limits_hz=RATE_LIMITS_HZ,
    script:
        "../scripts/table1_word_similarity.py"


rule table2_averages:
    input:
        scores="results/tables/scores.csv",
    output:
        **table_outputs("table2_averages", "Table 2 (Wang et al.)", "table2"),
    log:
        "logs/products/table2_averages.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        methods=REPRESENTATIONS,
        embeddings=EMBEDDINGS,
        paper_vectors=PRODUCTS["paper_vectors"],
        rate_limits_hz=RATE_LIMITS_HZ,
    script:
        "../scripts/table2_averages.py"


rule table4_1_autoencoders:
    input:
        scores="results/tables/scores.csv",
        pairs=[f"{run_dir(*run)}/word_similarity_pairs.csv" for run in ENTJES_RUNS],
    output:
        **table_outputs("table4_1_autoencoders", "Table 4.1 (Entjes)", "table4_1", tests=True),
    log:
        "logs/products/table4_1_autoencoders.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        # variant -> (method, n_bits); None where the block leaves n_bits to the estimator's default
        autoencoders={
            v: (VARIANTS[v][0], VARIANTS[v][1].get("n_bits")) for v in AUTOENCODERS
        },
        embeddings=EMBEDDINGS,
        alpha=PRODUCTS["alpha"],
        bootstrap=PRODUCTS["bootstrap"],
        paper_vectors=PRODUCTS["paper_vectors"],
    script:
        "../scripts/table4_1_autoencoders.py"


rule table4_2_neighbours:
    input:
        [f"{run_dir(*run)}/neighbours.csv" for run in ENTJES_FIRST_SEED_RUNS],
    output:
        **table_outputs("table4_2_neighbours", "Table 4.2 (Entjes)", "table4_2"),
    log:
        "logs/products/table4_2_neighbours.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        runs=[run[:2] for run in ENTJES_FIRST_SEED_RUNS],
        paper_vectors=PRODUCTS["paper_vectors"],
    script:
        "../scripts/table4_2_neighbours.py"


rule storage_table:
    input:
        codes=[
            f"results/codes/{e}/{m}/seed-{seed}.npz"
            for e, m, seed in FIRST_SEED_RUNS
            if m != "dense"
        ],
        vectors=[embedding_files(e)["vectors"] for e in EMBEDDINGS],
    output:
        **table_outputs("storage", "Storage", "storage"),
    log:
        "logs/products/storage_table.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        code_runs=[(e, m) for e, m, _ in FIRST_SEED_RUNS if m != "dense"],
        embeddings=EMBEDDINGS,
    script:
        "../scripts/storage_table.py"


rule speed_table:
    input:
        scores="results/tables/scores.csv",
        codes=[
            f"results/codes/{e}/{m}/seed-{seed}.npz"
            for e, m, seed in FIRST_SEED_RUNS
            if m != "dense"
        ],
        vectors=[embedding_files(e)["vectors"] for e in EMBEDDINGS],
    output:
        **table_outputs("speed", "Speed", "speed"),
    log:
        "logs/products/speed_table.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(2, 1000),
        runtime=30,
    params:
        code_runs=[(e, m) for e, m, _ in FIRST_SEED_RUNS if m != "dense"],
        embeddings=EMBEDDINGS,
        k=10,
        n_queries=25,
        seed=0,
        retrieval=config["evaluation"]["retrieval"],
    script:
        "../scripts/speed_table.py"


rule figure_quality_vs_bits:
    input:
        scores="results/tables/scores.csv",
        storage=f"{TABLES}/storage.csv",
    output:
        **figure_outputs("quality_vs_bits", "Quality vs bits", "quality_vs_bits"),
        csv=f"{FIGURES}/quality_vs_bits.csv",
    log:
        "logs/products/figure_quality_vs_bits.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        embeddings=EMBEDDINGS,
        families=FAMILIES,
        paper_vectors=PRODUCTS["paper_vectors"],
    script:
        "../scripts/figure_quality_vs_bits.py"


rule figure_recall:
    input:
        speed=f"{TABLES}/speed.csv",
    output:
        **figure_outputs("recall_vs_cost", "Retrieval recall", "recall_vs_cost"),
        csv=f"{FIGURES}/recall_vs_cost.csv",
    log:
        "logs/products/figure_recall.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        embeddings=EMBEDDINGS,
        families=FAMILIES,
        paper_vectors=PRODUCTS["paper_vectors"],
        retrieval=config["evaluation"]["retrieval"],
    script:
        "../scripts/figure_recall.py"


rule figure_tuning:
    input:
        grids=[f"results/tuning/{e}/{v}.csv" for e, v in TUNED_RUNS],
        choices=[f"results/tuning/{e}/{v}.json" for e, v in TUNED_RUNS],
    output:
        **figure_outputs("tuning", "Tuning of the spiking coders", "tuning"),
    log:
        "logs/products/figure_tuning.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        runs=TUNED_RUNS,
        protocol=TUNING["protocol"],
        datasets=tuning_sets(),
    script:
        "../scripts/figure_tuning.py"


rule quality_vs_rate:
    input:
        grids=[f"results/tuning/{e}/{v}.csv" for e, v in SPIKING_TUNED_RUNS],
    output:
        **table_outputs("quality_vs_rate", "Quality against firing rate", "quality_vs_rate"),
        **figure_outputs("quality_vs_rate", "Quality against firing rate", "quality_vs_rate"),
    log:
        "logs/products/quality_vs_rate.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        runs=SPIKING_TUNED_RUNS,
        ceilings=RATE_CEILINGS_HZ,
        datasets=tuning_sets(),
    script:
        "../scripts/quality_vs_rate.py"


rule figure_spike_rasters:
    input:
        "results/spike_rasters/{embedding}.npz",
    output:
        **figure_outputs(
            "fig2_spike_rasters_{embedding}", "Fig. 2 (Wang et al.): {embedding}", "fig2"
        ),
    log:
        "logs/products/figure_spike_rasters/{embedding}.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../scripts/figure_spike_rasters.py"


rule figure_classification:
    input:
        scores="results/tables/scores.csv",
        predictions=[
            f"{run_dir(*run)}/classification/{task}_predictions.csv"
            for run in EVERY_RUN
            for task in TASKS
        ],
    output:
        **figure_outputs("fig3_classification", "Fig. 3 (Wang et al.)", "fig3"),
        tests=significance_output(
            f"{FIGURES}/fig3_classification_tests.csv", "Fig. 3 (Wang et al.)"
        ),
    log:
        "logs/products/figure_classification.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        methods=REPRESENTATIONS,
        embeddings=EMBEDDINGS,
        families=FAMILIES,
        baseline=PRODUCTS["baseline"],
        alpha=PRODUCTS["alpha"],
        paper_vectors=PRODUCTS["paper_vectors"],
    script:
        "../scripts/figure_classification.py"


rule nir_agreement:
    input:
        vectors=lambda wildcards: embedding_files(wildcards.embedding)["vectors"],
        codes=lambda wildcards: [
            f"results/codes/{wildcards.embedding}/{v}/seed-{seeds_for(v)[0]}.npz" for v in LIF_VARIANTS
        ],
    output:
        graphs=[f"results/nir/{{embedding}}/{v}.nir" for v in LIF_VARIANTS],
        readouts=[f"results/nir/{{embedding}}/{v}.json" for v in LIF_VARIANTS],
        agreement="results/nir/{embedding}_agreement.csv",
    log:
        "logs/nir_agreement/{embedding}.log",
    benchmark:
        "benchmarks/nir_agreement/{embedding}.tsv"
    conda:
        "../../envs/neuromorphic.yaml"
    threads: 1
    resources:
        mem_mb=memory_for_input(3, 1500),
        runtime=60,
    params:
        variants=LIF_VARIANTS,
        words=PRODUCTS.get("nir_words"),
    script:
        "../scripts/nir_agreement.py"


rule table_nir_agreement:
    input:
        agreement=expand("results/nir/{embedding}_agreement.csv", embedding=EMBEDDINGS),
    output:
        **table_outputs("nir_agreement", "NIR agreement", "nir_agreement"),
    log:
        "logs/products/table_nir_agreement.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/table_nir_agreement.py"


rule table_firing_rates:
    input:
        rates=expand("results/spike_rasters/{embedding}_firing_rates.csv", embedding=EMBEDDINGS),
    output:
        **table_outputs("firing_rates", "Firing rates", "firing_rates"),
    log:
        "logs/products/table_firing_rates.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        methods=spiking_variants(),
        embeddings=EMBEDDINGS,
        ceiling_hz=PRODUCTS["firing_rate_ceiling_hz"],
        paper_variants=PAPER_VARIANTS,
        tuned_methods={e: [v for v in VARIANTS if is_tuned(e, v)] for e in EMBEDDINGS},
        paper_vectors=PRODUCTS["paper_vectors"],
        rate_limits_hz=RATE_LIMITS_HZ,
    script:
        "../scripts/table_firing_rates.py"


rule fidelity_note:
    input:
        scores="results/tables/scores.csv",
        ledger=f"{TABLES}/claims_ledger.csv",
        ledger_tests=f"{TABLES}/claims_ledger_tests.csv",
        rates=(
            expand("results/spike_rasters/{embedding}_firing_rates.csv", embedding=EMBEDDINGS)
            if HAS_SPIKING
            else []
        ),
        autoencoder_codes=[
            f"results/codes/{e}/{v}/seed-{seed}.npz"
            for e, v, seed in EVERY_RUN
            if v in AUTOENCODERS
        ],
        rate_ceilings=[f"{TABLES}/quality_vs_rate.csv"] if SPIKING_TUNED_RUNS else [],
    output:
        md="results/products/fidelity_note.md",
        html=report(
            "results/products/fidelity_note.html",
            caption="../report/fidelity_note.rst",
            category="Notes",
            labels={"product": "Fidelity note"},
        ),
    log:
        "logs/products/fidelity_note.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        alpha=PRODUCTS["alpha"],
        embeddings=EMBEDDINGS,
        autoencoder_runs=[run for run in EVERY_RUN if run[1] in AUTOENCODERS],
        paper_vectors=PRODUCTS["paper_vectors"],
        dims={e: config["embedding_sources"][e]["dim"] for e in EMBEDDINGS},
        stochastic_seeds={
            v: len(seeds_for(v))
            for v in spiking_variants()
            if METHODS[VARIANTS[v][0]].stochastic
        },
        seeds={v: len(seeds_for(v)) for v in VARIANTS},
        tuned_methods={e: [v for v in VARIANTS if is_tuned(e, v)] for e in EMBEDDINGS},
        method_params={v: VARIANTS[v][1] for v in VARIANTS},
        tuning_protocol=TUNING["protocol"] if TUNING["enabled"] else "off",
        tuning_dataset=", ".join(tuning_sets()),
        rate_ceilings_hz=RATE_CEILINGS_HZ,
        autoencoder_epochs={
            v: VARIANTS[v][1]["n_epochs"]
            for v in AUTOENCODERS
            if "n_epochs" in VARIANTS[v][1]
        },
    script:
        "../scripts/fidelity_note.py"


rule claims_ledger:
    input:
        scores="results/tables/scores.csv",
        pairs=[f"{run_dir(*run)}/word_similarity_pairs.csv" for run in EVERY_RUN],
        predictions=[
            f"{run_dir(*run)}/classification/{task}_predictions.csv"
            for run in EVERY_RUN
            for task in TASKS
        ],
        codes=[
            f"results/codes/{e}/{v}/seed-{seed}.npz" for e, v, seed in EVERY_RUN if v != "dense"
        ],
    output:
        **table_outputs(
            "claims_ledger", "The papers' conclusions, tested", "claims_ledger", tests=True
        ),
    log:
        "logs/products/claims_ledger.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        embeddings=EMBEDDINGS,
        variants=REPRESENTATIONS,
        dims={e: config["embedding_sources"][e]["dim"] for e in EMBEDDINGS},
        alpha=PRODUCTS["alpha"],
        bootstrap=PRODUCTS["bootstrap"],
    script:
        "../scripts/claims_ledger.py"


rule report_page:
    input:
        [path for _, _, path in REPORT_SECTIONS],
    output:
        "results/report.html",
    log:
        "logs/products/report_page.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        sections=[(section_id, heading) for section_id, heading, _ in REPORT_SECTIONS],
        embeddings=EMBEDDINGS,
    script:
        "../scripts/report_page.py"
