# Products stage: the tables and figures of Wang et al. (2019) and Entjes (2021) with paired
# significance tests, a storage table, a quality-versus-bits chart and a fidelity note, under
# results/products/. Every output people read is marked for `snakemake --report`.
from binembed.methods import METHOD_MODULES
from binembed.products import FIG2_RASTERS

PRODUCTS = config["products"]
TABLES = "results/products/tables"
FIGURES = "results/products/figures"
# Family of each representation (binembed.methods.METHOD_MODULES), for the colours of the figures.
FAMILIES = {
    "dense": "dense",
    **{v: METHOD_MODULES[m] for v, (m, _) in VARIANTS.items()},
}
# Variants shown in Entjes' tables: the autoencoders.
AUTOENCODERS = [
    v for v, (m, _) in VARIANTS.items() if METHOD_MODULES[m] == "autoencoder"
]
# (embedding, method, its first seed): one run per representation, for storage.
FIRST_SEED_RUNS = [(e, m, seeds_for(m)[0]) for e in EMBEDDINGS for m in REPRESENTATIONS]
# Every run, every seed: the paired tests compare stochastic methods on all their seeds.
EVERY_RUN = runs()
ENTJES_RUNS = [run for run in EVERY_RUN if run[1] == "dense" or run[1] in AUTOENCODERS]
# Table 4.2 lists one model's neighbours: the first seed of each.
ENTJES_FIRST_SEED_RUNS = [
    run for run in FIRST_SEED_RUNS if run[1] == "dense" or run[1] in AUTOENCODERS
]
# The main output of every product rule, for final_products().
PRODUCT_FILES = [
    f"{TABLES}/table1_word_similarity.csv",
    f"{TABLES}/table2_averages.csv",
    f"{TABLES}/storage.csv",
    f"{TABLES}/speed.csv",
    f"{FIGURES}/quality_vs_bits.png",
    f"{FIGURES}/fig3_classification.png",
    "results/products/fidelity_note.html",
]
# (embedding, variant) of every tuned run, for the tuning figure.
TUNED_RUNS = [(e, v) for e in EMBEDDINGS for v in VARIANTS if is_tuned(e, v)]
if TUNED_RUNS:
    PRODUCT_FILES.append(f"{FIGURES}/tuning.png")
if AUTOENCODERS:
    PRODUCT_FILES.append(f"{TABLES}/table4_1_autoencoders.csv")
if AUTOENCODERS and config["evaluation"]["neighbours"]["words"]:
    PRODUCT_FILES.append(f"{TABLES}/table4_2_neighbours.csv")
if set(FIG2_RASTERS) & set(VARIANTS):
    PRODUCT_FILES += expand(
        f"{FIGURES}/fig2_spike_rasters_{{embedding}}.png", embedding=EMBEDDINGS
    )
# The sections of results/report.html: (id, heading, file), in reading order.
REPORT_SECTIONS = [
    ("table1", "Table 1 (Wang et al.): word similarity", f"{TABLES}/table1_word_similarity.html"),
    ("table2", "Table 2 (Wang et al.): averages", f"{TABLES}/table2_averages.html"),
    ("fig3", "Fig. 3 (Wang et al.): text classification", f"{FIGURES}/fig3_classification.png"),
]
if set(FIG2_RASTERS) & set(VARIANTS):
    REPORT_SECTIONS += [
        (f"fig2-{e}", f"Fig. 2 (Wang et al.): spike rasters, {e}", f"{FIGURES}/fig2_spike_rasters_{e}.png")
        for e in EMBEDDINGS
    ]
if AUTOENCODERS:
    REPORT_SECTIONS.append(
        ("table4-1", "Table 4.1 (Entjes): autoencoders", f"{TABLES}/table4_1_autoencoders.html")
    )
if AUTOENCODERS and config["evaluation"]["neighbours"]["words"]:
    REPORT_SECTIONS.append(
        ("table4-2", "Table 4.2 (Entjes): nearest neighbours", f"{TABLES}/table4_2_neighbours.html")
    )
REPORT_SECTIONS += [
    ("storage", "Storage", f"{TABLES}/storage.html"),
    ("speed", "What the codes buy: query speed", f"{TABLES}/speed.html"),
    ("quality-vs-bits", "Quality against code size", f"{FIGURES}/quality_vs_bits.png"),
]
if TUNED_RUNS:
    REPORT_SECTIONS.append(("tuning", "Tuning of the spiking coders", f"{FIGURES}/tuning.png"))
REPORT_SECTIONS.append(("fidelity", "Fidelity note", "results/products/fidelity_note.html"))
PRODUCT_FILES.append("results/report.html")


rule table1_word_similarity:
    input:
        scores="results/tables/scores.csv",
        pairs=[f"{run_dir(*run)}/word_similarity_pairs.csv" for run in EVERY_RUN],
    output:
        csv=report(
            f"{TABLES}/table1_word_similarity.csv",
            caption="../report/table1.rst",
            category="Tables",
            labels={"product": "Table 1 (Wang et al.)", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/table1_word_similarity.html",
            caption="../report/table1.rst",
            category="Tables",
            labels={"product": "Table 1 (Wang et al.)", "format": "HTML"},
        ),
        md=f"{TABLES}/table1_word_similarity.md",
        tex=f"{TABLES}/table1_word_similarity.tex",
        tests=report(
            f"{TABLES}/table1_word_similarity_tests.csv",
            caption="../report/significance.rst",
            category="Significance tests",
            labels={"product": "Table 1 (Wang et al.)"},
        ),
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
    script:
        "../scripts/table1_word_similarity.py"


rule table2_averages:
    input:
        scores="results/tables/scores.csv",
    output:
        csv=report(
            f"{TABLES}/table2_averages.csv",
            caption="../report/table2.rst",
            category="Tables",
            labels={"product": "Table 2 (Wang et al.)", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/table2_averages.html",
            caption="../report/table2.rst",
            category="Tables",
            labels={"product": "Table 2 (Wang et al.)", "format": "HTML"},
        ),
        md=f"{TABLES}/table2_averages.md",
        tex=f"{TABLES}/table2_averages.tex",
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
    script:
        "../scripts/table2_averages.py"


rule table4_1_autoencoders:
    input:
        scores="results/tables/scores.csv",
        pairs=[f"{run_dir(*run)}/word_similarity_pairs.csv" for run in ENTJES_RUNS],
    output:
        csv=report(
            f"{TABLES}/table4_1_autoencoders.csv",
            caption="../report/table4_1.rst",
            category="Tables",
            labels={"product": "Table 4.1 (Entjes)", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/table4_1_autoencoders.html",
            caption="../report/table4_1.rst",
            category="Tables",
            labels={"product": "Table 4.1 (Entjes)", "format": "HTML"},
        ),
        md=f"{TABLES}/table4_1_autoencoders.md",
        tex=f"{TABLES}/table4_1_autoencoders.tex",
        tests=report(
            f"{TABLES}/table4_1_autoencoders_tests.csv",
            caption="../report/significance.rst",
            category="Significance tests",
            labels={"product": "Table 4.1 (Entjes)"},
        ),
    log:
        "logs/products/table4_1_autoencoders.log",
    conda:
        "../../envs/evaluate.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        autoencoders={
            v: (VARIANTS[v][0], VARIANTS[v][1]["n_bits"]) for v in AUTOENCODERS
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
        csv=report(
            f"{TABLES}/table4_2_neighbours.csv",
            caption="../report/table4_2.rst",
            category="Tables",
            labels={"product": "Table 4.2 (Entjes)", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/table4_2_neighbours.html",
            caption="../report/table4_2.rst",
            category="Tables",
            labels={"product": "Table 4.2 (Entjes)", "format": "HTML"},
        ),
        md=f"{TABLES}/table4_2_neighbours.md",
        tex=f"{TABLES}/table4_2_neighbours.tex",
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
        csv=report(
            f"{TABLES}/storage.csv",
            caption="../report/storage.rst",
            category="Tables",
            labels={"product": "Storage", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/storage.html",
            caption="../report/storage.rst",
            category="Tables",
            labels={"product": "Storage", "format": "HTML"},
        ),
        md=f"{TABLES}/storage.md",
        tex=f"{TABLES}/storage.tex",
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
        csv=report(
            f"{TABLES}/speed.csv",
            caption="../report/speed.rst",
            category="Tables",
            labels={"product": "Speed", "format": "CSV"},
        ),
        html=report(
            f"{TABLES}/speed.html",
            caption="../report/speed.rst",
            category="Tables",
            labels={"product": "Speed", "format": "HTML"},
        ),
        md=f"{TABLES}/speed.md",
        tex=f"{TABLES}/speed.tex",
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
    script:
        "../scripts/speed_table.py"


rule figure_quality_vs_bits:
    input:
        scores="results/tables/scores.csv",
        storage=f"{TABLES}/storage.csv",
    output:
        png=report(
            f"{FIGURES}/quality_vs_bits.png",
            caption="../report/quality_vs_bits.rst",
            category="Figures",
            labels={"product": "Quality vs bits"},
        ),
        pdf=f"{FIGURES}/quality_vs_bits.pdf",
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


rule figure_tuning:
    input:
        grids=[f"results/tuning/{e}/{v}.csv" for e, v in TUNED_RUNS],
        choices=[f"results/tuning/{e}/{v}.json" for e, v in TUNED_RUNS],
    output:
        png=report(
            f"{FIGURES}/tuning.png",
            caption="../report/tuning.rst",
            category="Figures",
            labels={"product": "Tuning of the spiking coders"},
        ),
        pdf=f"{FIGURES}/tuning.pdf",
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


rule figure_spike_rasters:
    input:
        "results/spike_rasters/{embedding}.npz",
    output:
        png=report(
            f"{FIGURES}/fig2_spike_rasters_{{embedding}}.png",
            caption="../report/fig2.rst",
            category="Figures",
            labels={"product": "Fig. 2 (Wang et al.): {embedding}"},
        ),
        pdf=f"{FIGURES}/fig2_spike_rasters_{{embedding}}.pdf",
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
        png=report(
            f"{FIGURES}/fig3_classification.png",
            caption="../report/fig3.rst",
            category="Figures",
            labels={"product": "Fig. 3 (Wang et al.)"},
        ),
        pdf=f"{FIGURES}/fig3_classification.pdf",
        tests=report(
            f"{FIGURES}/fig3_classification_tests.csv",
            caption="../report/significance.rst",
            category="Significance tests",
            labels={"product": "Fig. 3 (Wang et al.)"},
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


rule fidelity_note:
    input:
        scores="results/tables/scores.csv",
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
        embeddings=EMBEDDINGS,
        paper_vectors=PRODUCTS["paper_vectors"],
        dims={e: config["embedding_sources"][e]["dim"] for e in EMBEDDINGS},
        stochastic_seeds={
            v: len(seeds_for(v))
            for v in spiking_variants()
            if binarizer_class(VARIANTS[v][0]).stochastic
        },
        tuned_methods={e: [v for v in VARIANTS if is_tuned(e, v)] for e in EMBEDDINGS},
        method_params={v: VARIANTS[v][1] for v in VARIANTS},
        tuning_protocol=TUNING["protocol"] if TUNING["enabled"] else "off",
        tuning_dataset=", ".join(tuning_sets()),
        autoencoder_epochs={
            v: VARIANTS[v][1]["n_epochs"]
            for v in AUTOENCODERS
            if "n_epochs" in VARIANTS[v][1]
        },
    script:
        "../scripts/fidelity_note.py"


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
