from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.fidelity import neighbours_beside_published
from binembed.products.published import load_neighbours
from binembed.products.render import write_document
from binembed.products.tables import neighbour_grids, stand_in_note

params = snakemake.params
neighbours = pd.concat(
    [
        pd.read_csv(path).assign(embedding=embedding, method=method)
        for path, (embedding, method) in zip(snakemake.input, params.runs)
    ],
    ignore_index=True,
)[["embedding", "method", "query", "rank", "word", "distance"]]
embeddings = list(dict.fromkeys(embedding for embedding, _ in params.runs))
methods = list(dict.fromkeys(method for _, method in params.runs))
grids = neighbour_grids(
    neighbours,
    embeddings,
    methods,
    notes=[
        (
            "Nearest words over the whole vocabulary: Hamming distance for codes, cosine for the dense "
            "vectors; ties broken by vocabulary order; first seed of each method."
        ),
        stand_in_note(embeddings, params.paper_vectors),
    ],
)
published = load_neighbours()
published = published[published.method.isin(methods)]
if len(published):
    grids.append(neighbours_beside_published(published, neighbours, embeddings, params.paper_vectors)[0])
write_table(neighbours, snakemake.output.csv)
write_document(grids, "Table 4.2", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
