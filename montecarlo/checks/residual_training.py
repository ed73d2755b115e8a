"""Deep plain against deep residual MLPs: training-loss curves and per-layer gradient statistics.

The experiment (seed 002's 20- against 56-layer picture, at the scale of a 2-core machine):
for each of SEEDS seeds, a teacher task (512 points, 16 features, 8 classes, labels from a
random two-layer ReLU teacher) is learnt by four nets, plain and residual at SHALLOW and DEEP
blocks of Linear(32, 32) → BatchNorm1d → ReLU (the residual net wraps each block in
``nets.Residual``), He-initialised, with the same data and minibatch order, by STEPS steps of
SGD (lr 0.05, momentum 0.9, batch 64). Recorded: the minibatch loss of every step and the rms
gradient of every weight matrix.

Verdicts on orderings. Each ordering is a one-sided paired t-test over the seeds of a
per-seed difference, at the stated level ORDER_LEVEL = 0.01. These tests are descriptive: they
are not among the counted tests of the catalogue (whose power is sized against a 2% error of
a claimed value, which an ordering does not have). Three outcomes: "shown" (the claimed
ordering at p < ORDER_LEVEL), "contradicted" (the reverse ordering at p < ORDER_LEVEL) and
"not shown at this scale" (neither). Evidence passes only when the ordering is shown: a
contradiction is a failure and "not shown" is undecided (``Evidence.undecided``): reported with
its numbers, never as a pass and never as a failure.

The Monte-Carlo cases (counted) test the derived per-layer gradient variance ratios,
1 + nσ_W (residual) and nσ_W (plain), on one backward step of a random linear layer; the
network cases (counted) test the same ratios layer by layer through whole nets: a stack of
``nets.Residual(nets.Linear(n, n, bias=False))`` blocks (or the plain Linear layers) with
weights N(0, σ_W), back-propagating a standard normal gradient, the statistic being each
network's mean over blocks of E[(x^l.grad)²]/E[(x^(l+1).grad)²] (averaged over batch and units).
"""
from __future__ import annotations

import functools
import time

import numpy as np
from scipy import stats as scipy_stats

import nets
from nets.train import deep_mlp, teacher_task, train
from ..evidence import Evidence, claim_seed
from .base import Case, NetworkCase, Statistic, declare

SEEDS = 5
SHALLOW, DEEP = 2, 16
WIDTH, FEATURES, CLASSES, EXAMPLES = 32, 16, 8, 512
STEPS, BATCH, LR = 150, 64, 0.05
TAIL = 20  # the final loss of a run: the mean minibatch loss of its last TAIL steps
ORDER_LEVEL = 0.01


def ordering(label: str, differences: np.ndarray, *, claim_id: str, seed: int, what: str,
             details: dict | None = None, claimed: bool = True) -> Evidence:
    """A one-sided paired t-test of "the per-seed ``differences`` are positive" at ORDER_LEVEL,
    with the three-valued verdict of the module docstring. ``claimed=False``: an ordering the claim
    does not make, measured and reported with the same test; it passes whatever its verdict."""
    differences = np.asarray(differences, dtype=float)
    shown = scipy_stats.ttest_1samp(differences, 0.0, alternative="greater").pvalue
    reverse = scipy_stats.ttest_1samp(differences, 0.0, alternative="less").pvalue
    verdict = "shown" if shown < ORDER_LEVEL else "contradicted" if reverse < ORDER_LEVEL else "not shown at this scale"
    mean, sd = float(differences.mean()), float(differences.std(ddof=1))
    prefix = verdict if claimed else f"reported, not claimed ({verdict})"
    note = (f"{prefix}: {what} = {mean:.3g} ± {sd:.2g} (mean ± sd over {differences.size} seeds), one-sided paired "
            f"t-test p = {shown:.2g} at level {ORDER_LEVEL} (descriptive, not a counted test)")
    return Evidence(claim_id, "N", label, verdict == "shown" or not claimed,
                    undecided=claimed and verdict == "not shown at this scale", estimator=what, estimate=mean, std_error=None,
                    p_value=float(shown), alpha=ORDER_LEVEL, samples=int(differences.size), seed=seed,
                    details={"verdict": verdict, "claimed": claimed, "note": note, "sd_over_seeds": sd,
                             "per_seed": differences.tolist(), **(details or {})})


def _task(rng: np.random.Generator):
    teacher = [rng.standard_normal((WIDTH, FEATURES)) / np.sqrt(FEATURES),
               rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(2 / WIDTH)]
    readout = rng.standard_normal((CLASSES, WIDTH))
    return teacher_task(EXAMPLES, features=FEATURES, classes=CLASSES, teacher=teacher, readout=readout, rng=rng)


@functools.lru_cache(maxsize=4)
def depth_runs(seed: int) -> dict:
    """Every run of the experiment for the run's ``seed``: {(kind, depth): [TrainingRecord per seed]},
    and the wall time; cached, so the two claims that read it run it once."""
    start = time.perf_counter()
    runs = {(kind, depth): [] for kind in ("plain", "residual") for depth in (SHALLOW, DEEP)}
    root = np.random.SeedSequence([seed, 2002])
    for child in root.spawn(SEEDS):
        data_seed, net_seed = child.spawn(2)
        x, labels = _task(np.random.default_rng(data_seed))
        for (kind, depth), records in runs.items():
            rng = np.random.default_rng(net_seed)  # the same minibatch order for every net of this seed
            model = deep_mlp(depth, WIDTH, in_features=FEATURES, classes=CLASSES, residual=kind == "residual", rng=rng)
            records.append(train(model, x, labels, steps=STEPS, batch_size=BATCH, lr=LR, rng=rng))
    return {"runs": runs, "seconds": time.perf_counter() - start}


def final_losses(runs: dict) -> dict:
    return {key: np.array([r.losses[-TAIL:].mean() for r in records]) for key, records in runs.items()}


def _depth_training(derivation, rng, seed):
    result = depth_runs(seed)
    losses = final_losses(result["runs"])
    table = {f"{kind} {depth}": [float(losses[(kind, depth)].mean()), float(losses[(kind, depth)].std(ddof=1))]
             for kind, depth in losses}
    details = {"final_loss_mean_sd": table, "experiment_seconds": result["seconds"],
               "setup": f"{SEEDS} seeds, blocks {SHALLOW} and {DEEP}, width {WIDTH}, {STEPS} SGD steps"}
    log = {key: np.log(value) for key, value in losses.items()}
    return [
        ordering(f"deep plain ({DEEP} blocks) trains worse than shallow plain ({SHALLOW})",
                 log[("plain", DEEP)] - log[("plain", SHALLOW)], claim_id=derivation.id, seed=seed,
                 what="log(final loss deep plain / shallow plain)", details=details),
        ordering(f"deep residual ({DEEP} blocks) trains better than deep plain",
                 log[("plain", DEEP)] - log[("residual", DEEP)], claim_id=derivation.id, seed=seed,
                 what="log(final loss deep plain / deep residual)", details=details),
    ]


declare("residual.depth_training", "N", run=_depth_training)


def layer_spread(record, steps=slice(None)) -> float:
    """The spread of the gradient across the hidden blocks: the sd over layers of log10(rms grad),
    averaged over the given steps (the first and last weight matrices left out)."""
    logs = np.log10(record.gradient_rms[steps, 1:-1])
    return float(logs.std(axis=1, ddof=1).mean())


def _spreads(runs, steps) -> dict:
    return {kind: np.array([layer_spread(r, steps) for r in runs[(kind, DEEP)]]) for kind in ("plain", "residual")}


def _uniformity_network(derivation, rng, seed):
    """The claim (seed 002: the gradient statistics of a net as initialised) is tested at step 1;
    the spread over all training steps is reported beside it, measured, not claimed."""
    result = depth_runs(seed)
    runs = result["runs"]
    at_init, during = _spreads(runs, slice(0, 1)), _spreads(runs, slice(None))

    def summary(spreads):
        return {kind: [float(v.mean()), float(v.std(ddof=1))] for kind, v in spreads.items()}

    details = {"spread_at_init_mean_sd": summary(at_init), "spread_over_training_mean_sd": summary(during),
               "experiment_seconds": result["seconds"]}
    return [ordering(f"{DEEP}-block nets at initialisation: gradients more uniform across layers in the residual net",
                     at_init["plain"] - at_init["residual"], claim_id=derivation.id, seed=seed,
                     what="sd_layers log10 rms grad: plain - residual", details=details),
            ordering(f"{DEEP}-block nets over all {STEPS} training steps: more uniform in the residual net (measured, "
                     "not a claim: seed 002 speaks of the statistics at initialisation)",
                     during["plain"] - during["residual"], claim_id=derivation.id, seed=seed,
                     what="sd_layers log10 rms grad over training: plain - residual", details=details, claimed=False)]


def _component(rng, size, n, sigma_w, residual: bool):
    """x^l.grad_i = [g_i] + Σ_j W_ji g_j for g ~ N(0, 1) iid, W_ji ~ N(0, sigma_W): one draw per row."""
    g = rng.standard_normal((size, n))
    column = rng.normal(0.0, np.sqrt(sigma_w), (size, n))
    out = np.einsum("ij,ij->i", column, g)
    return out + g[:, 0] if residual else out


def _ratio_case(label, n, sigma_w, residual):
    return Case(label, {"n": n, "sigma_W": sigma_w},
                draw=lambda rng, size, value, n=n, s=sigma_w: _component(rng, size, n, s, residual),
                statistic="variance", claimed_key=None if residual else "plain_ratio", cost=2 * n)


declare("residual.gradient_uniformity", "M", cases=[
    _ratio_case("residual layer, n = 16, sigma_W = 1/64", 16, 1 / 64, True),
    _ratio_case("residual layer, n = 64, sigma_W = 1/128", 64, 1 / 128, True),
    _ratio_case("plain layer, n = 16, sigma_W = 1/64", 16, 1 / 64, False),
    _ratio_case("plain layer, n = 64, sigma_W = 1/32", 64, 1 / 32, False),
])
RATIO_DEPTH, RATIO_BATCH = 8, 64


def _layer_ratios(n: int, sigma_w: float, residual: bool):
    """Per network: the mean over its RATIO_DEPTH blocks of the ratio of gradient second moments
    between a block's input and output, measured by nets' own backward."""
    def networks(derivation, rng, count):
        out = np.empty((count, 1))
        for k in range(count):
            layers = []
            for _ in range(RATIO_DEPTH):
                linear = nets.Linear(n, n, bias=False, rng=rng)
                nets.init.normal_(linear.weight, 0.0, float(np.sqrt(sigma_w)), generator=rng)
                layers.append(nets.Residual(linear) if residual else linear)
            model = nets.Sequential(*layers)
            model(rng.standard_normal((RATIO_BATCH, n)))
            grad = rng.standard_normal((RATIO_BATCH, n))
            moments = [float(np.mean(grad**2))]
            for layer in reversed(layers):
                grad = layer.backward(grad)
                moments.append(float(np.mean(grad**2)))
            out[k, 0] = np.mean(np.array(moments[1:]) / np.array(moments[:-1]))
        return out
    return networks


_LAYER_RATIO = (Statistic(f"mean over {RATIO_DEPTH} blocks of E[grad_in^2] / E[grad_out^2]"),)

declare("residual.gradient_uniformity", "N", run=_uniformity_network, networks=[
    NetworkCase(f"{RATIO_DEPTH} residual blocks Linear(32, 32), sigma_W = 1/32", {"n": 32, "sigma_W": 1 / 32},
                _layer_ratios(32, 1 / 32, True), _LAYER_RATIO, claimed=lambda ratio: (ratio,)),
    NetworkCase(f"{RATIO_DEPTH} plain Linear(32, 32) layers, sigma_W = 1/16", {"n": 32, "sigma_W": 1 / 16},
                _layer_ratios(32, 1 / 16, False), _LAYER_RATIO, claimed=lambda ratio: (ratio,),
                value_key="plain_ratio"),
])


def depth_training_figure(seed: int | None = None):
    """Training-loss curves (mean over seeds, min-max band) of plain and residual nets, shallow and deep."""
    import matplotlib.pyplot as plt

    seed = claim_seed("residual.depth_training") if seed is None else seed
    runs = depth_runs(seed)["runs"]
    figure, axis = plt.subplots(figsize=(6.5, 4.0))
    styles = {"plain": "-", "residual": "--"}
    colours = {SHALLOW: "tab:blue", DEEP: "tab:red"}
    for (kind, depth), records in runs.items():
        curves = np.array([r.losses for r in records])
        steps = np.arange(1, curves.shape[1] + 1)
        axis.semilogy(steps, curves.mean(axis=0), styles[kind], color=colours[depth],
                      label=f"{kind}, {depth} blocks ({depth + 2} weight layers)")
        axis.fill_between(steps, curves.min(axis=0), curves.max(axis=0), color=colours[depth], alpha=0.1)
    axis.set_xlabel("SGD step")
    axis.set_ylabel("training loss (minibatch cross-entropy)")
    axis.set_title(f"plain vs residual MLPs (BN + ReLU), {len(records)} seeds")
    axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def gradient_uniformity_figure(seed: int | None = None):
    """Per-layer rms weight gradients of the deep plain and residual nets, at step 1 and averaged over training."""
    import matplotlib.pyplot as plt

    seed = claim_seed("residual.gradient_uniformity") if seed is None else seed
    runs = depth_runs(seed)["runs"]
    figure, axes = plt.subplots(1, 2, figsize=(9.0, 3.8), sharey=True)
    for axis, (title, steps) in zip(axes, (("step 1 (initialisation)", slice(0, 1)), ("mean over training", slice(None)))):
        for kind, colour in (("plain", "tab:red"), ("residual", "tab:green")):
            per_layer = np.array([r.gradient_rms[steps].mean(axis=0) for r in runs[(kind, DEEP)]])
            layers = np.arange(1, per_layer.shape[1] + 1)
            axis.semilogy(layers, per_layer.T, color=colour, alpha=0.3, lw=0.8)
            axis.semilogy(layers, np.exp(np.log(per_layer).mean(axis=0)), "o-", ms=3, color=colour, label=kind)
        axis.set_xlabel("weight layer (input to output)")
        axis.set_title(title)
    axes[0].set_ylabel("rms of dl/dW")
    axes[0].legend()
    figure.tight_layout()
    return figure
