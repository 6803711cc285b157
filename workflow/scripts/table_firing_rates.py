from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.render import write_document
from binembed.products.statistics import firing_rate_statistics
from binembed.products.tables import rate_limited_note, stand_in_note, statistics_grid

params = snakemake.params
rates = pd.concat([pd.read_csv(path) for path in snakemake.input.rates], ignore_index=True)
statistics = firing_rate_statistics(rates)
above = statistics[(statistics.column == "rate_hz") & (statistics["mean"] > params.ceiling_hz)]
marks = {(row.embedding, row.method, "rate_hz"): (False, "▲") for row in above.itertuples()}
grid = statistics_grid(
    statistics,
    "Firing rates of the spiking coders (Hz) and the ones in their codes",
    params.methods,
    params.embeddings,
    {
        "rate_hz": "Rate (Hz)",
        "median_rate_hz": "Median",
        "above_ceiling_percent": f"% > {params.ceiling_hz:g} Hz",
        "ones_percent": "Ones %",
    },
    marks,
    notes=[
        (
            "Rate: mean spikes per neuron per second over the T = 10 ms of a word; Median: the median "
            f"neuron's; % > {params.ceiling_hz:g} Hz: neurons firing faster than that; Ones %: mean "
            f"percentage of ones of a word's code. Over {int(rates.words.max())} words evenly spaced over "
            "the vocabulary; a stochastic coder's values are mean ± std over the seeds shown in Fig. 2."
        ),
        (
            f"▲ mean rate above {params.ceiling_hz:g} Hz. A spike lasts about 1 ms and a neuron cannot "
            "fire again within about that time (its absolute refractory period; Gerstner et al. 2014, "
            f"Neuronal Dynamics, Sec. 1.1): above {params.ceiling_hz:g} Hz a code is no longer what "
            "biological neurons could produce."
        ),
        (
            "Variants ending in -paper run at the settings Wang et al. state (untuned: tol, tau_m, v_th, "
            "and I_boost for the paper's vectors each embedding stands for); the others at the parameters tuned on "
            + ", ".join(f"{e}" for e in params.embeddings if params.tuned_methods.get(e))
            + " (results/tuning/)."
            if params.paper_variants
            else ""
        ),
        stand_in_note(params.embeddings, params.paper_vectors),
        rate_limited_note(params.rate_limits_hz),
    ],
)
write_table(statistics, snakemake.output.csv)
write_document([grid], "Firing rates", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
