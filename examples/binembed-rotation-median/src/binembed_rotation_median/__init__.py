"""binembed's registry entry of the rotation-median binarizer. This module imports nothing heavy:
binembed reads it whenever it checks a configuration, and imports the estimator only to run it."""

from binembed.methods import Method

ROTATION_MEDIAN = Method(
    estimator="binembed_rotation_median.estimator:RotationMedianBinarizer",
    family="classic",
    stochastic=True,
    parameters=("n_bits", "random_state"),
    threads=1,
    runtime=30,
    source="example plugin (binembed-rotation-median)",
    description="random orthogonal projections, each bit thresholded at its median over the fitted words",
    settings={"n_bits": {"$ref": "#/$defs/n_bits_list"}},
    memory_per_mb=2.0,
    seconds_per_mb=0.05,
)
