import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from binembed.fileio.files import write_table
from binembed.products.claims import (
    ledger_grid,
    ledger_of_claims,
    load_claims,
    published_check,
    read_run_results,
)
from binembed.products.published import load_published
from binembed.products.render import write_document

params, inputs = snakemake.params, snakemake.input
claims = load_claims()
published = load_published()
published_checks = {claim.id: published_check(claim, published) for claim in claims.itertuples()}
results = read_run_results(inputs.pairs, inputs.predictions, inputs.scores, inputs.codes, params.dims)
ledger, tests = ledger_of_claims(
    claims, results, params.embeddings, set(params.variants), params.bootstrap, params.alpha
)
ledger = ledger.merge(claims[["id", "paper", "section", "quote", "reading"]], on="id", how="left").assign(
    published=ledger.id.map(lambda i: published_checks[i][0]),
    published_evidence=ledger.id.map(lambda i: published_checks[i][1]),
)
grid = ledger_grid(claims, published_checks, ledger, params.embeddings, params.alpha, len(tests))
write_table(ledger, snakemake.output.csv)
write_table(tests, snakemake.output.tests)
write_document(
    [grid],
    "The papers' conclusions, tested",
    snakemake.output.md,
    snakemake.output.html,
    snakemake.output.tex,
)
print(ledger.verdict.value_counts().to_string(), file=sys.stderr)
