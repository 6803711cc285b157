import math

import numba
import numpy as np
import pytest
from conftest import estimators_in
from scipy.integrate import solve_ivp
from spiking_reference import box_muller, numpy_bits

from binembed.binarizers.base import NotFittedError
from binembed.binarizers.random_streams import (
    box_muller_radius,
    cos_sin_turn,
    fill_normal_pairs,
    neuron_key,
    stream_value,
)
from binembed.binarizers.spiking import (
    DT_MS,
    IZHIKEVICH_TYPES,
    N_STEPS,
    IzhikevichRSFSBinarizer,
    LIFBinarizer,
    LIFNoiseBinarizer,
    PoissonBinarizer,
    lif_kernel,
    simulate_word,
    spikes_and_codes,
    stable_potential,
)
from binembed.codes import unpack_bits

RNG = np.random.default_rng(0)
X_SMALL = (RNG.standard_normal((23, 11)) * 0.4).astype(np.float32)

BINARIZER_CLASSES = estimators_in("binembed.binarizers.spiking")


def windows_of(raster, tol):
    """A (dims, steps) raster ORed over windows of tol steps, in the dimension-major bit order."""
    return raster.reshape(raster.shape[0], -1, tol).any(axis=2).reshape(-1)


# --- LIF --------------------------------------------------------------------------------------


def test_lif_constant_input_spikes_at_the_discrete_interval():
    # Forward Euler from v_0 = 0: v_n = v_inf (1 - (1 - dt/tau)^n), v_inf = R I_boost w. The first
    # n with v_n > v_th is n* = floor(ln(1 - v_th/v_inf) / ln(1 - dt/tau)) + 1; the reset to 0
    # restarts the same sequence, so update k n* (raster step k n* - 1) spikes, k = 1, 2, ...
    w = np.array([0.2, 0.3, 0.5, 1.0, 2.0])
    binarizer = LIFBinarizer().fit(w[None])
    raster, _ = simulate_word(binarizer, w)
    decay = 1.0 - DT_MS / binarizer.tau_m
    for d, v_inf in enumerate(binarizer.resistance * binarizer.i_boost * w):
        ratio = math.log(1.0 - binarizer.v_th / v_inf) / math.log(decay)
        assert abs(ratio - round(ratio)) > 1e-6  # far from a tie that rounding could flip
        n_star = math.floor(ratio) + 1
        assert np.flatnonzero(raster[d]).tolist() == list(range(n_star - 1, N_STEPS, n_star))
        continuous_isi = binarizer.tau_m * math.log(v_inf / (v_inf - binarizer.v_th))
        assert abs(n_star * DT_MS - continuous_isi) <= DT_MS
    assert not raster[0].any()  # w = 0.2: n* = 138 > 100 steps


def test_lif_zero_sub_threshold_and_negative_inputs_never_spike():
    # R I_boost w = 0, 14.9 and exactly v_th = 15 (60 * 0.25): v_n rises towards v_inf <= v_th
    # without exceeding it, over 100 times the coding window.
    binarizer = LIFBinarizer(i_boost=60.0).fit(np.ones((1, 5)))
    x = np.array([0.0, 14.9 / 60.0, 0.25, -0.5, -3.0])
    raster, _ = simulate_word(binarizer, x, n_steps=100 * N_STEPS)
    assert not raster.any()
    assert not binarizer.transform(x[None]).any()
    # |w| drives when negative="abs": -3 fires like +3
    absolute = LIFBinarizer(i_boost=60.0, negative="abs").fit(np.ones((1, 5)))
    bits = unpack_bits(absolute.transform(np.array([[3.0, -3.0, 0, 0, 0]])), absolute.n_bits_)[0]
    assert bits[:20].any() and (bits[:20] == bits[20:40]).all()


def test_lif_noise_membrane_is_the_discrete_ornstein_uhlenbeck_process():
    # w = 0, no threshold in reach: v_{n+1} = decay v_n + g xi_n, g = sigma sqrt(dt) / tau_m, so the
    # increments give back xi_n ~ N(0, 1) and Var v_n = g^2 (1 - decay^(2n)) / (1 - decay^2).
    binarizer = LIFNoiseBinarizer(v_th=1e9, sigma=10.0, random_state=3).fit(np.zeros((1, 4000)))
    raster, v = simulate_word(binarizer, np.zeros(4000))
    assert not raster.any()
    decay = 1.0 - DT_MS / binarizer.tau_m
    gain = binarizer.sigma * math.sqrt(DT_MS) / binarizer.tau_m
    xi = (v - decay * np.hstack([np.zeros((4000, 1)), v[:, :-1]])) / gain
    n = xi.size
    assert abs(xi.mean()) < 5 / math.sqrt(n)
    assert abs(xi.var() - 1.0) < 5 * math.sqrt(2 / n)
    assert abs((xi**4).mean() / xi.var() ** 2 - 3.0) < 5 * math.sqrt(24 / n)
    assert abs(np.mean(xi[:, :-1] * xi[:, 1:])) < 5 / math.sqrt(n)  # the two normals of a pair
    variance = gain**2 * (1 - decay ** (2 * N_STEPS)) / (1 - decay**2)
    assert abs(v[:, -1].var() / variance - 1.0) < 5 * math.sqrt(2 / 4000)


def test_lif_noise_without_noise_is_the_lif():
    X = X_SMALL * 3
    assert (LIFNoiseBinarizer(sigma=0.0).fit_transform(X) == LIFBinarizer().fit_transform(X)).all()


FLOAT32_EPS = 2.0**-24  # a float32 rounding, relative


def test_box_muller_helpers_match_libm():
    # the radius keeps its relative precision as u1 = (high + 1) 2^-32 nears 1 (high near 2^32),
    # where float32(u1) alone has lost the low bits of high
    edges = [0, 1, 2**24 - 1, 2**24, 2**31, 3037000499, 3037000500, 2**32 - 2**9, 2**32 - 3, 2**32 - 2]
    high = np.concatenate([edges, RNG.integers(0, 2**32, 2000)]).astype(np.uint32)
    exact = np.sqrt(-2.0 * np.log((high.astype(np.float64) + 1.0) * 2.0**-32))
    radius = np.array([box_muller_radius(value) for value in high], dtype=np.float64)
    assert (np.abs(radius - exact) <= 3 * FLOAT32_EPS * exact).all()
    assert box_muller_radius(np.uint32(2**32 - 1)) == 0.0  # u1 = 1
    # cos and sin of u2 = (top 24 bits of low) 2^-24, within 2 roundings of 1
    low = np.concatenate(
        [[0, 255, 256, 2**30, 2**31, 3 * 2**30, 2**29, 2**32 - 1], RNG.integers(0, 2**32, 2000)]
    )
    angle = 2.0 * np.pi * ((low.astype(np.uint64) >> np.uint64(8)) * 2.0**-24)
    for value, exact_angle in zip(low.astype(np.uint32), angle):
        cos_u, sin_u = cos_sin_turn(value)
        assert abs(cos_u - math.cos(exact_angle)) <= 2 * FLOAT32_EPS
        assert abs(sin_u - math.sin(exact_angle)) <= 2 * FLOAT32_EPS


def test_filled_normal_pairs_are_box_muller_of_the_streams_by_libm():
    # float32 normals (series with fused multiply-adds) against libm's float64 Box-Muller of the
    # same stream values, rounded to float32, as tests/spiking_reference.py draws them
    keys = np.array(
        [neuron_key(np.uint64(key), d) for key in (1, 2**40 + 7, 5) for d in range(7)], dtype=np.uint64
    )
    first, second = np.empty((2, 40, keys.size), dtype=np.float32)
    fill_normal_pairs(keys, first, second)
    for k in range(40):
        bits = np.array([stream_value(key, k) for key in keys], dtype=np.uint64)
        exact = box_muller(bits)
        r = np.hypot(exact[0], exact[1]).astype(np.float64)
        assert (np.abs(first[k] - exact[0]) <= 4 * FLOAT32_EPS * r).all()
        assert (np.abs(second[k] - exact[1]) <= 4 * FLOAT32_EPS * r).all()


# --- Izhikevich -------------------------------------------------------------------------------


def izhikevich_spike_times(a, b, c, d, current, t_end):
    """Spike times of the continuous Izhikevich equations (solve_ivp, event v = 30)."""

    def rhs(t, y):
        return [0.04 * y[0] ** 2 + 5 * y[0] + 140 - y[1] + current, a * (b * y[0] - y[1])]

    def crossing(t, y):
        return y[0] - 30.0

    crossing.terminal, crossing.direction = True, 1
    t, y, times = 0.0, [-65.0, b * -65.0], []
    while True:
        solution = solve_ivp(rhs, (t, t_end), y, events=crossing, rtol=1e-9, atol=1e-9, max_step=0.05)
        if not solution.t_events[0].size:
            return np.array(times)
        t, u = solution.t_events[0][0], solution.y_events[0][0][1]
        times.append(t)
        y = [c, u + d]


def test_izhikevich_rs_regular_spiking_matches_the_continuous_model():
    binarizer = IzhikevichRSFSBinarizer(i_boost=10.0).fit(np.ones((1, 1)))  # dimension 0: RS
    raster, _ = simulate_word(binarizer, np.array([1.0]), n_steps=2000)  # 200 ms
    steps = np.flatnonzero(raster[0])
    reference = izhikevich_spike_times(*IZHIKEVICH_TYPES["RS"], 10.0, 200.0)
    # The continuous spike at 3.13 ms lies in step 31; Euler's spike step is 33. Forward Euler's
    # O(dt) error concentrates in the upstroke, where v moves >10 mV a step and Euler lags the
    # v^2 blow-up, so we allow two steps.
    assert abs(steps[0] - math.floor(reference[0] / DT_MS)) <= 2
    # Adaptation: the first interval is short (23 ms), then the intervals are constant.
    isi = np.diff(steps) * DT_MS
    assert isi[0] < 0.6 * isi[1]
    assert np.ptp(isi[1:]) <= DT_MS
    assert abs(isi[-1] / np.diff(reference)[-1] - 1) < 0.01


# Izhikevich (2003), "Simple model of spiking neurons", IEEE Trans. Neural Networks 14(6), Fig. 2:
# (a, b, c, d) of each cortical type, transcribed from the paper (not from binembed.binarizers.spiking).
PUBLISHED_IZHIKEVICH = {
    "RS": (0.02, 0.2, -65.0, 8.0),
    "IB": (0.02, 0.2, -55.0, 4.0),
    "CH": (0.02, 0.2, -50.0, 2.0),
    "FS": (0.1, 0.2, -65.0, 2.0),
    "LTS": (0.02, 0.25, -65.0, 2.0),
}
# Wang et al. (2019): the six excitatory-inhibitory pairs.
PUBLISHED_PAIRS = {
    "izh_rs_fs": ("RS", "FS"),
    "izh_rs_lts": ("RS", "LTS"),
    "izh_ib_fs": ("IB", "FS"),
    "izh_ib_lts": ("IB", "LTS"),
    "izh_ch_fs": ("CH", "FS"),
    "izh_ch_lts": ("CH", "LTS"),
}


@pytest.mark.parametrize("cls", [cls for cls in BINARIZER_CLASSES if cls.method_name.startswith("izh")])
def test_izhikevich_equals_direct_euler_with_every_fifth_dimension_inhibitory(cls):
    x = np.array([0.05, 0.1, 0.2, 0.3, 0.1, 0.4, 0.6, 0.8, 1.0, 0.05])
    binarizer = cls(i_boost=100.0).fit(x[None])
    raster, _ = simulate_word(binarizer, x)
    excitatory, inhibitory = PUBLISHED_PAIRS[cls.method_name]
    for d, w in enumerate(x):
        a, b, c, jump = PUBLISHED_IZHIKEVICH[inhibitory if d % 5 == 4 else excitatory]
        v, u, spikes = -65.0, b * -65.0, []
        for t in range(N_STEPS):
            v, u = v + DT_MS * (0.04 * v * v + 5.0 * v + 140.0 - u + 100.0 * w), u + a * DT_MS * (b * v - u)
            if v >= 30.0:
                spikes.append(t)
                v, u = c, u + jump
        assert np.flatnonzero(raster[d]).tolist() == spikes


@pytest.mark.parametrize("current", [-4500.0, -5000.0, -1e4, -1e5])
def test_izhikevich_strong_inhibition_stays_below_rest_like_the_continuous_model(current):
    # Forward Euler's resting eigenvalue times dt falls below -2 here: it overshot to +24 mV at
    # I = -4500 and fired 12 spurious spikes in 10 ms at I = -5000. The continuous neuron (a stiff
    # solver) sinks monotonically towards its equilibrium and never fires.
    a, b, _, _ = PUBLISHED_IZHIKEVICH["RS"]
    binarizer = IzhikevichRSFSBinarizer(i_boost=1.0).fit(np.ones((1, 1)))
    raster, potential = simulate_word(binarizer, np.array([current]))
    v = potential[0]
    assert not raster.any()
    assert v.max() < -65.0

    def rhs(t, y):
        return [0.04 * y[0] ** 2 + 5 * y[0] + 140 - y[1] + current, a * (b * y[0] - y[1])]

    span = (0.0, N_STEPS * DT_MS)
    reference = solve_ivp(rhs, span, [-65.0, b * -65.0], method="Radau", rtol=1e-9, atol=1e-9)
    assert v[-1] == pytest.approx(reference.y[0, -1], rel=0.01)


def test_izhikevich_words_with_stiff_neurons_get_the_bits_of_the_numpy_equations():
    # a word with a neuron under I = -5000 is run again with the implicit step (Euler alone first)
    X = (np.random.default_rng(6).standard_normal((60, 30)) * 0.4).astype(np.float32)
    X[::7, 3] = -50.0
    binarizer = IzhikevichRSFSBinarizer(i_boost=100.0).fit(X)
    codes = binarizer.transform(X)
    assert 0.05 < unpack_bits(codes, binarizer.n_bits_).mean() < 0.95
    assert np.array_equal(codes, numpy_bits(binarizer, X))


@pytest.mark.parametrize("dt", [DT_MS, 0.05, 0.3])
def test_stable_potential_is_where_the_float_condition_starts_to_hold(dt):
    v = stable_potential(dt)
    assert dt * (0.08 * v + 5.0) >= -1.0
    assert dt * (0.08 * np.nextafter(v, -np.inf) + 5.0) < -1.0
    assert v == pytest.approx(-(1.0 / dt + 5.0) / 0.08)


# --- Poisson ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.2, 0.5, 1.0])
def test_poisson_counts_match_rate_times_duration(level):
    dims = 4000
    binarizer = PoissonBinarizer(max_rate=1000.0, random_state=7).fit(
        np.stack([np.zeros(dims), np.ones(dims)])
    )
    x = np.full(dims, level)
    raster, _ = simulate_word(binarizer, x)
    p = level * binarizer.max_rate * DT_MS * 1e-3  # rate * dt
    expected = level * binarizer.max_rate * 1e-3 * (N_STEPS * DT_MS)  # rate * T spikes a neuron
    assert expected == pytest.approx(N_STEPS * p)
    assert abs(raster.sum() - dims * expected) < 5 * math.sqrt(dims * N_STEPS * p * (1 - p))
    q = 1 - (1 - p) ** binarizer.tol  # a window holds a spike
    n_windows = dims * binarizer.n_windows_
    ones = unpack_bits(binarizer.transform(x[None]), binarizer.n_bits_).sum()
    assert abs(ones - n_windows * q) < 5 * math.sqrt(n_windows * q * (1 - q))


@pytest.mark.parametrize("normalization", ["rank", "minmax"])
def test_poisson_rate_extremes_and_clipping(normalization):
    binarizer = PoissonBinarizer(max_rate=1e3 / DT_MS, normalization=normalization)
    binarizer.fit(np.array([[0.0, 0.0, 3.0], [1.0, 1.0, 3.0]]))
    raster, _ = simulate_word(binarizer, np.array([0.0, 1.0, 3.0]))  # rate 0 and rate 1/dt
    assert not raster[0].any() and raster[1].all()
    assert not raster[2].any()  # a constant dimension is silent
    raster, _ = simulate_word(binarizer, np.array([-5.0, 7.0, 9.0]))  # clipped to the fitted range
    assert not raster[0].any() and raster[1].all()
    with pytest.raises(ValueError, match="max_rate"):
        PoissonBinarizer(max_rate=2e4).fit(X_SMALL)
    with pytest.raises(ValueError, match="normalization"):
        PoissonBinarizer(normalization="zscore").fit(X_SMALL)


def test_poisson_rank_levels_are_the_empirical_cdf_whatever_the_outliers():
    # A heavy-tailed dimension: min-max squeezes almost every value into a narrow band of levels,
    # the rank normalization spreads them uniformly (the fraction of fitted values below each).
    rng = np.random.default_rng(5)
    X = rng.standard_t(df=2, size=(20000, 3)).astype(np.float32)
    X[0, :] = 1000.0  # one outlier per dimension
    rank = PoissonBinarizer().fit(X).levels(X)
    ecdf = (np.argsort(np.argsort(X, axis=0), axis=0) + 0.5) / len(X)
    assert np.abs(rank - ecdf).max() < 2e-3
    minmax = PoissonBinarizer(normalization="minmax").fit(X).levels(X)
    low, high = np.percentile(minmax, [5, 95], axis=0)
    assert (high - low < 0.02).all()  # the outlier sets the range


def test_poisson_rank_levels_are_numpys_interpolation_bit_for_bit():
    # The compiled interpolation against np.interp of the fitted quantiles: a dimension with few
    # distinct values (repeated quantiles, values on the knots), one with values beyond the fitted
    # range on both sides, and a constant one (level 0).
    rng = np.random.default_rng(6)
    fitted = np.stack(
        [rng.integers(-3, 4, 5000), rng.standard_normal(5000), np.full(5000, 0.7)], axis=1
    ).astype(np.float32)
    binarizer = PoissonBinarizer().fit(fitted)
    X = np.concatenate([fitted, rng.standard_normal((5000, 3)) * 5.0, binarizer.quantiles_[::7]])
    X = X.astype(np.float32)
    knots = np.linspace(0.0, 1.0, binarizer.quantiles_.shape[0])
    expected = np.stack([np.interp(X[:, d], binarizer.quantiles_[:, d], knots) for d in range(2)], axis=1)
    levels = binarizer.levels(X)
    assert np.array_equal(levels[:, :2], expected)
    assert (levels[:, 2] == 0.0).all()
    assert {0.0, 1.0} <= set(levels[:, 1])


def test_poisson_expected_spike_count_is_monotone_in_the_value():
    # Mean window bits over many seeds: a larger value never fires less, in every dimension.
    X = np.repeat(np.linspace(-2.0, 2.0, 9, dtype=np.float32)[:, None], 40, axis=1)
    X = X + np.arange(40, dtype=np.float32) * 1e-3  # distinct values per dimension
    ones = np.zeros(len(X))
    for seed in range(20):
        binarizer = PoissonBinarizer(max_rate=4000.0, random_state=seed).fit(X)
        ones += unpack_bits(binarizer.transform(X), binarizer.n_bits_).sum(axis=1)
    assert (np.diff(ones) > 0).all()


# --- bits, errors, determinism ----------------------------------------------------------------


@pytest.mark.parametrize("tol", [1, 5, 10, 100])
def test_bit_count_and_dimension_major_order(tol):
    # Dimension 1, an RS neuron at I = 10, spikes once in 10 ms, at step 33 (3.4 ms; the next
    # spike comes at 27 ms); dimensions 0 and 2 rest at I = 0.
    binarizer = IzhikevichRSFSBinarizer(tol=tol, i_boost=10.0).fit(np.zeros((1, 3)))
    packed = binarizer.transform(np.array([[0.0, 1.0, 0.0]]))
    n_windows = N_STEPS // tol
    assert binarizer.n_bits_ == 3 * n_windows
    assert packed.shape == (1, (3 * n_windows + 7) // 8)
    bit = 1 * n_windows + 33 // tol
    assert np.flatnonzero(unpack_bits(packed, binarizer.n_bits_)[0]).tolist() == [bit]
    assert packed[0, bit // 8] == 1 << (7 - bit % 8)


def test_errors():
    with pytest.raises(ValueError, match="tol"):
        LIFBinarizer(tol=7).fit(X_SMALL)
    with pytest.raises(ValueError, match="tol"):
        IzhikevichRSFSBinarizer(tol=0).fit(X_SMALL)
    with pytest.raises(NotFittedError):
        PoissonBinarizer().transform(X_SMALL)
    with pytest.raises(NotFittedError):
        simulate_word(LIFBinarizer(), X_SMALL[0])
    with pytest.raises(ValueError, match="fitted on 11"):
        LIFBinarizer().fit(X_SMALL).transform(X_SMALL[:, :5])
    with pytest.raises(ValueError, match="negative"):
        LIFBinarizer(negative="relu").fit(X_SMALL)


def test_registry_and_paper_defaults():
    names = [cls.method_name for cls in BINARIZER_CLASSES]
    assert names == [
        "poisson", "lif", "lif_noise", "izh_rs_fs", "izh_rs_lts", "izh_ib_fs", "izh_ib_lts", "izh_ch_fs", "izh_ch_lts",
    ]  # fmt: skip
    from binembed.stated_settings import stated_parameters

    for cls in BINARIZER_CLASSES:
        params = cls().get_params()
        # the defaults are what Wang et al. state (published_settings.csv), I_boost for GloVe
        stated = {**stated_parameters(cls.method_name), **stated_parameters(cls.method_name, "GloVe")}
        assert stated and {name: params[name] for name in stated} == stated, cls.method_name
        assert cls.stochastic == ("random_state" in params)


@pytest.mark.parametrize("cls", BINARIZER_CLASSES, ids=lambda cls: cls.method_name)
def test_bits_do_not_depend_on_chunks_or_threads(cls):
    X = X_SMALL * 3
    results = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            for chunk_size in (1, 7, len(X)):
                results.append(cls(chunk_size=chunk_size).fit(X).transform(X))
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert results[0].any()
    for other in results[1:]:
        assert np.array_equal(results[0], other)


@pytest.mark.parametrize(
    "cls", [cls for cls in BINARIZER_CLASSES if cls.stochastic], ids=lambda c: c.method_name
)
def test_stochastic_coders_follow_their_seed(cls):
    X = X_SMALL * 3
    first = cls(random_state=1).fit_transform(X)
    assert np.array_equal(first, cls(random_state=1).fit_transform(X))
    assert not np.array_equal(first, cls(random_state=2).fit_transform(X))
    # a word's bits depend on its vector, not on the rows encoded with it or their order
    subset = np.random.default_rng(9).permutation(len(X))[:7]
    assert np.array_equal(cls(random_state=1).fit(X).transform(X[subset]), first[subset])
    assert np.array_equal(cls(random_state=1, chunk_size=2).fit(X).transform(X[::-1]), first[::-1])


@pytest.mark.parametrize("cls", BINARIZER_CLASSES, ids=lambda cls: cls.method_name)
def test_simulate_word_raster_ored_over_windows_is_the_code(cls):
    X = X_SMALL[:6] * 3
    binarizer = cls().fit(X)
    bits = unpack_bits(binarizer.transform(X), binarizer.n_bits_)
    for i, x in enumerate(X):
        raster, potential = simulate_word(binarizer, x)
        assert raster.shape == potential.shape == (X.shape[1], N_STEPS) and raster.dtype == bool
        assert np.array_equal(windows_of(raster, binarizer.tol), bits[i])


@pytest.mark.parametrize("cls", BINARIZER_CLASSES, ids=lambda cls: cls.method_name)
def test_spike_counts_are_the_rasters_spikes_and_the_codes_transforms_in_any_block_size(cls):
    X = X_SMALL * 3
    binarizer = cls().fit(X)
    expected = np.stack([simulate_word(binarizer, x)[0].sum(axis=1) for x in X])
    assert expected.sum() > 0
    for block_words in (1, 5, 64):
        counts, codes = spikes_and_codes(binarizer, X, block_words)
        assert np.array_equal(counts, expected)
        assert np.array_equal(codes, binarizer.transform(X))


@pytest.mark.parametrize(
    "binarizer",
    [
        PoissonBinarizer(max_rate=4000.0, random_state=3),
        PoissonBinarizer(normalization="minmax", max_rate=1000.0, tol=10),
        LIFBinarizer(i_boost=300.0, v_th=10.0),
        LIFBinarizer(negative="abs", i_boost=200.0, tol=4),
        LIFNoiseBinarizer(i_boost=300.0, sigma=20.0, random_state=5),
        *[cls(i_boost=400.0) for cls in BINARIZER_CLASSES if cls.method_name.startswith("izh")],
    ],
    ids=lambda b: f"{b.method_name}-{b.tol}",
)
def test_kernels_give_the_bits_of_the_plain_numpy_equations(binarizer):
    # tests/spiking_reference.py steps the same equations over whole arrays with numpy and libm
    X = (np.random.default_rng(4).standard_normal((200, 30)) * 0.4).astype(np.float32)
    binarizer.fit(X)
    codes = binarizer.transform(X)
    assert 0.05 < unpack_bits(codes, binarizer.n_bits_).mean() < 0.95
    assert np.array_equal(codes, numpy_bits(binarizer, X))


@pytest.mark.parametrize(
    "tau_m, v_th, v_reset",
    [
        (10.0, 15.0, 0.0),
        (10.0, 15.0, 5.0),
        (10.0, 15.0, 20.0),
        (10.0, -3.0, 0.0),
        (1.0, 2.0, -1.0),
        (0.05, 1.0, 0.0),
        (0.02, 1.0, 0.0),
    ],
)
@pytest.mark.parametrize("absolute", [False, True])
def test_lif_periodic_shortcut_gives_the_stepped_kernels_bits(tau_m, v_th, v_reset, absolute):
    """The bits-only LIF kernel (first spike, then its period) against the
    kernel that steps every neuron, on values crowded around the firing threshold (whose fixed
    point is v_th within rounding), far from it, negative and zero; tau_m = 0.05 and 0.02 < dt make
    the decay negative (-1 and -4: trajectories that oscillate, the second growing without bound)."""
    rng = np.random.default_rng(7)
    binarizer = LIFBinarizer(tau_m=tau_m, v_th=v_th, v_reset=v_reset, negative="abs" if absolute else "as_is")
    decay, gain = binarizer._euler_constants()
    threshold_value = v_th * (1.0 - decay) / gain  # fixed point exactly at v_th
    values = np.concatenate(
        [
            threshold_value * (1.0 + rng.uniform(-1e-6, 1e-6, 3000)),
            np.nextafter(np.float32(threshold_value), np.float32(np.inf)) + np.arange(-50, 50) * 1e-8,
            rng.normal(0.0, 0.4, 3000),
            [0.0, -0.0, 1e-30, -threshold_value],
        ]
    ).astype(np.float32)
    X = values[: len(values) // 50 * 50].reshape(-1, 50)
    binarizer.fit(X)
    stepped = np.zeros((len(X), -(-binarizer.n_bits_ // 8)), dtype=np.uint8)
    lif_kernel(X, gain, decay, v_th, v_reset, absolute, N_STEPS, binarizer.tol, stepped, None, None)
    assert np.array_equal(binarizer.transform(X), stepped)
    if 0 <= v_reset < v_th and tau_m > DT_MS:  # (else nearly every neuron fires at every step)
        assert 0.01 < unpack_bits(stepped, binarizer.n_bits_).mean() < 0.99


def test_each_izhikevich_pair_is_its_modules_attribute_of_its_own_name():
    """A fitted pair is pickled by module and name (a chunked run's model): each class must be found
    under its own name, in the order of the registry's pairs."""
    import importlib
    import pickle

    from binembed.binarizers.spiking import IZHIKEVICH_CLASSES
    from binembed.methods import IZHIKEVICH_PAIRS

    assert [cls.method_name for cls in IZHIKEVICH_CLASSES] == [f"izh_{pair}" for pair in IZHIKEVICH_PAIRS]
    for cls in IZHIKEVICH_CLASSES:
        assert getattr(importlib.import_module(cls.__module__), cls.__name__) is cls
        fitted = cls().fit(np.ones((2, 5), np.float32))
        assert type(pickle.loads(pickle.dumps(fitted))) is cls
