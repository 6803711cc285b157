"""What survives binarization: word similarity, classification and neighbours of a representation
(scores), the Hamming and cosine kNN kernels (knn), Spearman's correlation (correlation), the
significance tests (significance), query time (speed) and the grid search of embedding-specific
parameters (tuning)."""
