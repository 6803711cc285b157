from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import json

import numpy as np
import pandas as pd

from binembed.methods import PAPER_SUFFIX
from binembed.products.claims import load_claims, published_check
from binembed.products.fidelity import delta_decomposition
from binembed.products.fidelity_note import LedgerInputs, RunSettings, fidelity_note_blocks, mean_firing
from binembed.products.published import load_published
from binembed.products.rate_ceilings import ceiling_paragraph
from binembed.products.render import write_document
from binembed.products.statistics import published_scores

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
published = load_published()
claims = load_claims()
run = RunSettings(
    params.embeddings,
    params.dims,
    params.paper_vectors,
    params.tuning_protocol,
    params.tuning_dataset,
    params.stochastic_seeds,
    params.autoencoder_epochs,
)
quantization = pd.DataFrame(
    [
        (
            embedding,
            variant,
            int(seed),
            json.loads(str(np.load(path)["metadata"]))["fit"]["quantization_error"],
        )
        for (embedding, variant, seed), path in zip(
            params.autoencoder_runs, snakemake.input.autoencoder_codes
        )
    ],
    columns=["embedding", "method", "seed", "value"],
)
per_seed = published_scores(scores, quantization)
spiking = sorted(
    {variant for variant in params.method_params if variant + PAPER_SUFFIX in params.method_params}
)
blocks = fidelity_note_blocks(
    run,
    {
        "tuning_protocol": params.tuning_protocol,
        "tuned_methods": params.tuned_methods,
        "method_params": params.method_params,
        "seeds": params.seeds,
    },
    scores,
    per_seed,
    published,
    delta_decomposition(published, per_seed, params.embeddings, params.paper_vectors, spiking),
    mean_firing([pd.read_csv(path) for path in snakemake.input.rates]),
    ceiling_paragraph(
        pd.concat([pd.read_csv(path) for path in snakemake.input.rate_ceilings])
        if snakemake.input.rate_ceilings
        else pd.DataFrame(),
        params.rate_ceilings_hz,
        params.tuning_dataset,
    ),
    LedgerInputs(
        claims,
        {claim.id: published_check(claim, published) for claim in claims.itertuples()},
        pd.read_csv(snakemake.input.ledger, keep_default_na=False, na_values=[""]),
        len(pd.read_csv(snakemake.input.ledger_tests)),
        params.alpha,
    ),
)
write_document(blocks, "Fidelity note", snakemake.output.md, snakemake.output.html)
