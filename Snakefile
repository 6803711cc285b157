# binembed: dense word embeddings -> binary codes -> what survives.
# Stages: data (fetch benchmarks and embeddings), binarize, evaluate; see README.md.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/binarize.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/products.smk"


rule all:
    default_target: True
    input:
        final_products(),
