"""The Snakemake workflow's glue: the configuration's schema and checks (config, config_checks,
config.schema.yaml), ``binembed run`` (launcher), and the chunked encoding of a vocabulary split
across jobs (encoding)."""
