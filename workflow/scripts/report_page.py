import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from binembed.fileio.files import write_text
from binembed.products.report import report_page

sections = [
    (section_id, heading, path)
    for (section_id, heading), path in zip(snakemake.params.sections, snakemake.input)
]
page = report_page(
    "binembed: binary codes of dense word embeddings, and what survives",
    sections,
    intro=(
        f"The papers' tables and figures (Wang et al. 2019; Entjes 2021) on {', '.join(snakemake.params.embeddings)}, "
        "with significance tests, storage and query speed, from one run of the workflow. Each section is also a "
        "file under results/products/."
    ),
)
write_text(page, snakemake.output[0])
print(f"{len(sections)} sections", file=sys.stderr)
