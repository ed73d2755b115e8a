"""Figures for the solutions: the node statistics of seed 002 and the batch-norm computation graph."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import nets
import derivations
from .checks.init_network import NODE_DEPTH, NODE_INITS, NODE_WIDTH, node_statistics_run, predicted_second_moments
from .evidence import claim_seed

__all__ = ["write_figures", "node_statistics_figure", "batchnorm_graph_files"]


def batchnorm_graph_files(directory: Path) -> list[Path]:
    """bn_graph.dot (Graphviz) and bn_graph.tex (TikZ) from the graph nets' BatchNorm backward runs."""
    dot, tex = directory / "bn_graph.dot", directory / "bn_graph.tex"
    dot.write_text(nets.NORMALISATION_GRAPH.to_dot("BatchNorm (training)") + "\n", encoding="utf-8")
    tex.write_text(nets.NORMALISATION_GRAPH.to_tikz() + "\n", encoding="utf-8")
    return [dot, tex]


def node_statistics_figure(directory: Path, seed: int | None = None) -> Path:
    """node_statistics.png: per-layer q_k (mean over networks, with the min-max band) for std 0.01,
    N(0, 1) and He in a 50 x 256 ReLU MLP, on a log scale, beside the derived α_k."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seed = claim_seed("init.node_statistics") if seed is None else seed
    runs = node_statistics_run(seed)
    layers = np.arange(1, NODE_DEPTH + 1)
    figure, axis = plt.subplots(figsize=(6.5, 4.0))
    derivation = derivations.get("init.node_statistics")
    for (name, q), colour in zip(runs.items(), ("tab:blue", "tab:red", "tab:green")):
        predicted = predicted_second_moments(derivation, NODE_INITS[name])
        axis.semilogy(layers, q.mean(axis=0), "o", ms=3, color=colour, label=f"{name}: measured")
        axis.fill_between(layers, q.min(axis=0), q.max(axis=0), color=colour, alpha=0.15)
        axis.semilogy(layers, predicted, "-", color=colour, lw=1, label=f"{name}: derived $\\alpha_k$")
    axis.set_xlabel("layer k")
    axis.set_ylabel(r"$\mathbb{E}[(a^k)^2]$")
    axis.set_title(f"ReLU MLP, width {NODE_WIDTH}, {q.shape[0]} networks per initialisation")
    axis.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    path = directory / "node_statistics.png"
    figure.savefig(path, dpi=150)
    plt.close(figure)
    return path


def write_figures(directory: str | Path, seed: int | None = None) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = batchnorm_graph_files(directory)
    try:
        written.append(node_statistics_figure(directory, seed))
    except ImportError as error:
        raise ValueError(f"the node-statistics figure needs matplotlib (pip install 'dlproofs[plots]'): {error}")
    return written
