"""Files in and out: embeddings (the Embedding, its on-disk folder and the checks every reader
applies), the readers of each format (text_vectors, binary_vectors, keyed_vectors, chosen by
embedding_readers), what a word is (vocabulary), where an embedding comes from (sources), the
benchmark sets' parsers (datasets) and where the command finds them (benchmark_files), verified
downloads (download, archives, verified_files) and writes that never leave a partial file (files)."""
