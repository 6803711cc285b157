"""What the two papers report, and how: the sets each table shows (under binembed's resource
names, with the names the paper gives them), the coders of Wang et al.'s Fig. 2, and the settings
the fidelity note compares with (documented in README.md and config.yaml). The published numbers
themselves are data: :mod:`binembed.products.published`.
"""

#: Wang et al. (2019), Table 1: word-similarity sets, with the names the table gives them.
TABLE1_DATASETS = {"ws353-all": "WS-353", "simlex999": "SimLex-999", "rw": "RW"}
#: Entjes (2021), Table 4.1: word-similarity sets.
TABLE4_1_DATASETS = {"rw": "RW", "men": "MEN", "simlex999": "SimLex-999", "ws353-all": "WS-353"}
#: Wang et al. (2019), Fig. 3 and Table 2: text-classification tasks.
CLASSIFICATION_TASKS = {"search_snippets": "Search Snippets", "sst2": "SST-2"}
#: Wang et al. (2019), Fig. 2: coders whose spike rasters are shown, and those whose membrane
#: potential is traced (Poisson neurons have none).
FIG2_RASTERS = ("poisson", "lif", "izh_rs_fs")
FIG2_POTENTIALS = ("lif", "izh_rs_fs")

#: Settings of the papers that the fidelity note compares with (documented in README.md and
#: config.yaml): Wang et al. ran each stochastic coder 10 times and tuned on the reported test
#: sets; Entjes trained each autoencoder for 25 epochs.
WANG_SEEDS = 10
WANG_TUNING_PROTOCOL = "test_sets"
ENTJES_EPOCHS = 25
