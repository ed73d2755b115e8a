"""Figures for the solutions, as a registry: each topic adds its own with ``@figure``.

A figure function takes a seed (None: the figure's default, derived from its name) and returns a
matplotlib Figure, or, for ``kind="tikz"``, the source of a TikZ picture. ``write_figures`` saves
each as vector PDF (for LaTeX) and PNG (for the README), or as ``NAME.tex`` for TikZ, reporting a
progress line per figure. ``figures_for_claims`` tells the solutions document which figure belongs
to which claim.

    @figure("beta_densities", claims=("mixup.beta_identity",), caption="...")
    def beta_densities(seed): ...
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import derivations
import nets
from .evidence import claim_seed

__all__ = ["Figure", "figure", "registered", "write_figures", "figures_for_claims", "batchnorm_graph_files"]


@dataclass(frozen=True)
class Figure:
    """A registered figure: its file name, the claims it illustrates, its caption, how to draw it."""

    name: str
    claims: tuple[str, ...]
    caption: str
    draw: Callable[[int | None], object]
    kind: str = "matplotlib"
    seed_name: str = ""

    def seed(self, seed: int | None) -> int:
        """``seed``, or the default derived from the name (``seed_name``: share another figure's draws)."""
        return claim_seed(f"figure:{self.seed_name or self.name}") if seed is None else seed


_FIGURES: dict[str, Figure] = {}


def figure(name: str, *, claims: tuple[str, ...], caption: str, kind: str = "matplotlib", seed_name: str = ""):
    """Register a figure function under ``name`` (a file stem) for ``claims`` (ids with a record);
    ``seed_name`` makes its default seed that of another figure (to share a cached run)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like file stem, not {name!r}")
    if kind not in ("matplotlib", "tikz"):
        raise ValueError(f"kind must be 'matplotlib' or 'tikz', not {kind!r}")
    for claim_id in claims:
        derivations.info(claim_id)  # ValueError naming an unknown claim

    def register(draw):
        if name in _FIGURES:
            raise ValueError(f"figure {name!r} registered twice")
        _FIGURES[name] = Figure(name, tuple(claims), caption, draw, kind, seed_name)
        return draw

    return register


def registered() -> list[Figure]:
    """Every registered figure, in the order of registration."""
    return list(_FIGURES.values())


def figures_for_claims(directory: str | Path) -> dict[str, list[tuple[str, str, str]]]:
    """claim id -> [(figure name, file to include, caption)] for the figures found in ``directory``;
    a figure illustrating several claims goes with the first."""
    directory = Path(directory)
    out: dict[str, list[tuple[str, str, str]]] = {}
    for fig in registered():
        path = directory / (f"{fig.name}.tex" if fig.kind == "tikz" else f"{fig.name}.pdf")
        if path.is_file() and fig.claims:
            out.setdefault(fig.claims[0], []).append((fig.name, path.as_posix(), fig.caption))
    return out


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.titlesize": 9, "legend.fontsize": 7.5, "figure.dpi": 100})
    return plt


def write_figures(directory: str | Path, seed: int | None = None, *, formats=("pdf", "png"),
                  names: list[str] | None = None, progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Draw the figures (all, or those in ``names``) into ``directory``; a progress line per figure."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    chosen = [f for f in registered() if names is None or f.name in names]
    written: list[Path] = []
    if names is None or "bn_graph" in names:
        dot = directory / "bn_graph.dot"
        dot.write_text(nets.NORMALISATION_GRAPH.to_dot("BatchNorm (training)") + "\n", encoding="utf-8")
        written.append(dot)
    for k, fig in enumerate(chosen, start=1):
        progress(f"[{k}/{len(chosen)}] figure {fig.name}")
        if fig.kind == "tikz":
            path = directory / f"{fig.name}.tex"
            path.write_text(fig.draw(seed) + "\n", encoding="utf-8")
            written.append(path)
            continue
        plt = _pyplot()
        drawn = fig.draw(fig.seed(seed))
        for fmt in formats:
            path = directory / f"{fig.name}.{fmt}"
            drawn.savefig(path, dpi=150 if fmt == "png" else None)
            written.append(path)
        plt.close(drawn)
    return written


def batchnorm_graph_files(directory: Path) -> list[Path]:
    """bn_graph.dot (Graphviz) and bn_graph.tex (TikZ) from the graph nets' BatchNorm backward runs."""
    dot, tex = directory / "bn_graph.dot", directory / "bn_graph.tex"
    dot.write_text(nets.NORMALISATION_GRAPH.to_dot("BatchNorm (training)") + "\n", encoding="utf-8")
    tex.write_text(nets.NORMALISATION_GRAPH.to_tikz() + "\n", encoding="utf-8")
    return [dot, tex]


# ---- initialisation ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _node_runs(seed: int) -> dict[str, tuple[float, np.ndarray]]:
    """Per-layer second moments q_k (networks x layers) of the 50 x 256 ReLU MLP under four initialisations."""
    from .checks.init_network import NODE_BATCH, NODE_DEPTH, NODE_INITS, NODE_WIDTH, replicate_second_moments

    variances = {**NODE_INITS, "Xavier": 1 / NODE_WIDTH}
    rng = np.random.default_rng(seed)
    return {name: (v, replicate_second_moments(NODE_WIDTH, NODE_DEPTH, v, replicates=8, batch=NODE_BATCH, rng=rng))
            for name, v in variances.items()}


_COLOURS = {"std 0.01": "tab:blue", "N(0, 1)": "tab:red", "Xavier": "tab:orange", "He": "tab:green"}


@figure("node_statistics", claims=("init.node_statistics", "init.he_variance"),
        caption="Per-layer second moment of the pre-activations of a 50-layer ReLU MLP of width 256 under a fixed "
                "std 0.01, N(0, 1), Xavier (1/n) and He (2/n) initialisation: the mean over 8 networks (dots), their "
                "range (band) and the derived alpha_k (line)")
def node_statistics(seed: int):
    from .checks.init_network import NODE_DEPTH, predicted_second_moments

    plt = _pyplot()
    derivation = derivations.get("init.node_statistics")
    layers = np.arange(1, NODE_DEPTH + 1)
    fig, axis = plt.subplots(figsize=(6.4, 3.6))
    for name, (v, q) in _node_runs(seed).items():
        colour = _COLOURS[name]
        axis.semilogy(layers, q.mean(axis=0), "o", ms=2.5, color=colour, label=f"{name}: measured")
        axis.fill_between(layers, q.min(axis=0), q.max(axis=0), color=colour, alpha=0.15, lw=0)
        axis.semilogy(layers, predicted_second_moments(derivation, v), "-", color=colour, lw=1,
                      label=f"{name}: derived")
    axis.set_xlabel("layer k")
    axis.set_ylabel(r"$\mathbb{E}[(a^k)^2]$")
    axis.legend(ncol=2, loc="lower left")
    fig.tight_layout()
    return fig


@figure("variance_recursion", claims=("init.variance_recursion",), seed_name="node_statistics",
        caption="The per-layer factor q_k/q_{k-1} measured in the same networks against the recursion's "
                "n v_k/2 (dashed), for each initialisation")
def variance_recursion(seed: int):
    from .checks.init_network import NODE_DEPTH, NODE_WIDTH

    plt = _pyplot()
    layers = np.arange(2, NODE_DEPTH + 1)
    fig, axis = plt.subplots(figsize=(6.4, 3.2))
    for name, (v, q) in _node_runs(seed).items():
        colour = _COLOURS[name]
        ratio = q[:, 1:] / q[:, :-1]
        axis.semilogy(layers, ratio.mean(axis=0), "o", ms=2.5, color=colour, label=f"{name}")
        axis.axhline(NODE_WIDTH * v / 2, color=colour, ls="--", lw=1)
    axis.set_xlabel("layer k")
    axis.set_ylabel(r"$q_k / q_{k-1}$")
    axis.legend(ncol=4, loc="center right")
    fig.tight_layout()
    return fig


# ---- batch normalisation ----------------------------------------------------------------------------------

@figure("bn_graph", claims=("bn.computation_graph",), kind="tikz",
        caption="The computation graph of batch norm that nets runs forward and backward (training mode)")
def bn_graph(seed):
    return nets.NORMALISATION_GRAPH.to_tikz()


@figure("bn_running_statistics", claims=("bn.train_eval",),
        caption="Running statistics of BatchNorm1d (momentum 0.1) in train mode on batches of 16 from N(2, 9): "
                "the running mean and variance of 4 channels converge to 2 and 9, as E[r_t] = (1 - m)^t r_0 + "
                "(1 - (1 - m)^t) s^2 (dashed) says")
def bn_running_statistics(seed: int):
    plt = _pyplot()
    rng = np.random.default_rng(seed)
    bn, steps, m = nets.BatchNorm1d(4, momentum=0.1), 80, 0.1
    bn.train()
    means, variances = [], []
    for _ in range(steps):
        bn(2.0 + 3.0 * rng.standard_normal((16, 4)))
        means.append(bn.running_mean.copy())
        variances.append(bn.running_var.copy())
    t = np.arange(1, steps + 1)
    decay = (1 - m) ** t
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.8))
    left.plot(t, np.array(means), lw=0.8)
    left.plot(t, 2.0 * (1 - decay), "k--", lw=1)
    left.set_title("running_mean")
    right.plot(t, np.array(variances), lw=0.8)
    right.plot(t, decay * 1.0 + (1 - decay) * 9.0, "k--", lw=1)
    right.set_title("running_var")
    for axis in (left, right):
        axis.set_xlabel("training step t")
    fig.tight_layout()
    return fig


# ---- mixup --------------------------------------------------------------------------------------------------

@figure("beta_densities", claims=("mixup.beta_identity", "mixup.simplified_objective"),
        caption="The Be(alpha, alpha) and Be(alpha + 1, alpha) densities, and draws from Be(alpha, alpha) "
                "reweighted by 2 lambda (histogram), which follow Be(alpha + 1, alpha)")
def beta_densities(seed: int):
    from scipy import stats

    plt = _pyplot()
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.005, 0.995, 400)
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.8))
    for axis, alpha in zip(axes, (0.4, 2.0)):
        draws = rng.beta(alpha, alpha, 200_000)
        axis.hist(draws, bins=40, range=(0, 1), weights=2 * draws / draws.size * 40, color="tab:orange",
                  alpha=0.4, label=r"$2\lambda$-weighted draws")
        axis.plot(grid, stats.beta.pdf(grid, alpha, alpha), "tab:blue", lw=1, label=r"Be($\alpha$, $\alpha$)")
        axis.plot(grid, stats.beta.pdf(grid, alpha + 1, alpha), "k--", lw=1, label=r"Be($\alpha$+1, $\alpha$)")
        axis.set_title(rf"$\alpha$ = {alpha:g}")
        axis.set_xlabel(r"$\lambda$")
        axis.set_ylim(0, 4)
    axes[0].legend(loc="upper center")
    fig.tight_layout()
    return fig


# ---- optimisation ---------------------------------------------------------------------------------------------

@figure("momentum_transient", claims=("optim.momentum_equivalence", "optim.momentum_data_only"),
        caption="SGD with momentum on the data gradient only (rho = 0.9, eta = 0.1, lambda = 0.5) on a noisy "
                "quadratic, against momentum on g + g_r with lambda' = (1 - rho) lambda, rho' = rho (1 - eta "
                "lambda): identical with the matched buffer start, a transient that decays as rho'^t when the "
                "buffer starts at the first gradient")
def momentum_transient(seed: int):
    plt = _pyplot()
    rng = np.random.default_rng(seed)
    rho, eta, lam, curvature, steps = 0.9, 0.1, 0.5, 1.0, 60
    noise = 0.3 * rng.standard_normal(steps)
    lam2, rho2 = (1 - rho) * lam, rho * (1 - eta * lam)

    def data_only(theta):
        path, v = [theta], 0.0
        for t in range(steps):
            v = rho * v + curvature * theta + noise[t]
            theta = theta - eta * (v + lam * theta)
            path.append(theta)
        return np.array(path)

    def combined(theta, matched):
        """b_t = rho' b_{t-1} + g_t + lam' theta_t, theta_{t+1} = theta_t - eta b_t; PyTorch starts b_0 at the
        first gradient, the matched start is b_{-1} = lam theta_0 / (1 - eta lam)."""
        path, b = [theta], (lam * theta / (1 - eta * lam) if matched else None)
        for t in range(steps):
            d = curvature * theta + noise[t] + lam2 * theta
            b = d if b is None else rho2 * b + d
            theta = theta - eta * b
            path.append(theta)
        return np.array(path)

    start = 2.0
    reference = data_only(start)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.8))
    t = np.arange(steps + 1)
    left.plot(t, reference, "k-", lw=1.2, label="momentum on g only")
    for matched, style, label in ((True, "tab:green", "on g + g_r, matched start"),
                                  (False, "tab:red", "on g + g_r, buffer = first gradient")):
        path = combined(start, matched)
        left.plot(t, path, color=style, ls="--", lw=1, label=label)
        right.semilogy(t[1:], np.abs(path - reference)[1:] + 1e-17, color=style, lw=1, label=label)
    left.set_xlabel("step t")
    left.set_ylabel(r"$\theta_t$")
    left.legend(loc="upper right")
    right.set_xlabel("step t")
    right.set_ylabel("difference from momentum on g only")
    fig.tight_layout()
    return fig


# ---- residual networks ----------------------------------------------------------------------------------

@figure("residual_variance", claims=("residual.variance_closed_form", "residual.gradient_variance"),
        caption="Signal variance (left) and gradient variance (right) through L = 40 residual layers x + Wx with "
                "fan-in n = N^2 C = 144 (N = 3, C = 16; a convolution's variance recursion sees the filter only "
                "through N^2 C), for three weight variances sigma_W: measured over a batch of 256 (dots) against "
                "(1 + N^2 C sigma_W)^l and (1 + N^2 C sigma_W)^(L - l) (lines), the answers of Problem 3 b) and d)")
def residual_variance(seed: int):
    plt = _pyplot()
    rng = np.random.default_rng(seed)
    n, depth, batch = 144, 40, 256
    layers = np.arange(depth + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.9))
    for growth, colour in zip((0.01, 0.03, 0.06), ("tab:blue", "tab:orange", "tab:red")):
        sigma_w = growth / n
        weights = [math.sqrt(sigma_w) * rng.standard_normal((n, n)) for _ in range(depth)]
        x = rng.standard_normal((batch, n))
        forward = [np.mean(x * x)]
        for w in weights:
            x = x + x @ w.T
            forward.append(np.mean(x * x))
        g = rng.standard_normal((batch, n))
        backward = [np.mean(g * g)]
        for w in reversed(weights):
            g = g + g @ w
            backward.append(np.mean(g * g))
        label = rf"$N^2C\sigma_W$ = {growth:g}"
        left.plot(layers, forward, "o", ms=2, color=colour, label=label)
        left.plot(layers, (1 + growth) ** layers, "-", lw=1, color=colour)
        right.plot(layers, backward[::-1], "o", ms=2, color=colour, label=label)
        right.plot(layers, (1 + growth) ** (depth - layers), "-", lw=1, color=colour)
    left.set_ylabel(r"$\sigma^2_\ell$")
    right.set_ylabel(r"$\sigma^2_{\ell,\mathrm{grad}}$")
    for axis in (left, right):
        axis.set_xlabel(r"layer $\ell$")
        axis.set_yscale("log")
    left.legend(loc="upper left")
    fig.tight_layout()
    return fig


# ---- training experiments (the runs are those of the claims' N checks) ----------------------------------

@figure("depth_training", claims=("residual.depth_training",),
        caption="Training loss of plain and residual MLPs (Linear, BN, ReLU blocks) at 2 and 16 blocks on a "
                "synthetic teacher task: the mean over 5 seeds and their range")
def depth_training(seed: int):
    from .checks.residual_training import depth_training_figure

    return depth_training_figure(seed)


@figure("gradient_uniformity", claims=("residual.gradient_uniformity",), seed_name="depth_training",
        caption="Per-layer rms weight gradient of the 16-block plain and residual nets, at the first step and "
                "averaged over training")
def gradient_uniformity(seed: int):
    from .checks.residual_training import gradient_uniformity_figure

    return gradient_uniformity_figure(seed)


@figure("transfer", claims=("transfer.freeze_vs_finetune",),
        caption="Test accuracy on task B against the number n of layers transferred from task A: frozen, "
                "fine-tuned, and trained from scratch")
def transfer(seed: int):
    from .checks.transfer import transfer_figure

    return transfer_figure(seed)
