"""The binarization methods' estimators (registered in :data:`binembed.methods.METHODS`), a module
(or package) per family: base (the estimator API and the sign baseline), spiking (Wang et al. 2019),
classic (LSH, ITQ), overcomplete (Faruqui et al. 2015), autoencoder and autoencoder_training
(Tissier et al. 2019, Entjes 2021), and what they share: random_streams (counter-based random
numbers) and blas (single-precision GEMM for numba). Nothing is imported here, so that naming a
method imports only its own family (torch only for the autoencoders)."""
