"""A staged computation graph: one description that runs forward, back-propagates, and draws itself.

A Graph is a list of Nodes in topological order; each node applies one primitive to named
inputs. ``forward`` keeps every node's value; ``backward`` walks the nodes in reverse and
applies each primitive's vector-Jacobian product, summing over broadcast axes. The
normalisation layers are described this way, so the picture of the batch-norm graph
(``to_dot``, ``to_tikz``) is the very graph their backward pass runs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Node", "Graph"]

_ARITY = {"input": 0, "mean": 1, "sub": 2, "add": 2, "mul": 2, "square": 1, "add_eps": 1, "rsqrt": 1}


@dataclass(frozen=True)
class Node:
    """``name = op(*inputs)``; ``label`` is the node's formula in the seeds' notation (LaTeX)."""

    name: str
    op: str
    inputs: tuple[str, ...] = ()
    label: str = ""


def _sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``grad`` down to ``shape``."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(k for k, (g, s) in enumerate(zip(grad.shape, shape)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


class Graph:
    """Nodes in topological order; inputs are nodes with op "input"."""

    def __init__(self, nodes: list[Node], output: str) -> None:
        names = set()
        for node in nodes:
            if node.op not in _ARITY:
                raise ValueError(f"unknown op {node.op!r} in node {node.name!r}")
            if len(node.inputs) != _ARITY[node.op]:
                raise ValueError(f"node {node.name!r}: {node.op} takes {_ARITY[node.op]} inputs")
            missing = [i for i in node.inputs if i not in names]
            if missing:
                raise ValueError(f"node {node.name!r} uses {missing} before they are defined")
            names.add(node.name)
        if output not in names:
            raise ValueError(f"output {output!r} is not a node")
        self.nodes, self.output = list(nodes), output
        self.inputs = [n.name for n in nodes if n.op == "input"]

    def forward(self, feeds: dict[str, np.ndarray], *, axes: tuple[int, ...], eps: float) -> dict[str, np.ndarray]:
        """Every node's value; ``axes`` are those the "mean" nodes reduce (keeping dimensions)."""
        values = dict(feeds)
        for node in self.nodes:
            if node.op == "input":
                if node.name not in values:
                    raise ValueError(f"the graph needs an input {node.name!r}")
                continue
            args = [values[i] for i in node.inputs]
            values[node.name] = _FORWARD[node.op](*args, axes=axes, eps=eps)
        return values

    def backward(self, values: dict[str, np.ndarray], grad_output: np.ndarray, *,
                 axes: tuple[int, ...]) -> dict[str, np.ndarray]:
        """Gradients of ⟨grad_output, output⟩ with respect to every input node."""
        grads: dict[str, np.ndarray] = {self.output: grad_output}
        for node in reversed(self.nodes):
            if node.op == "input" or node.name not in grads:
                continue
            g = grads.pop(node.name)
            args = [values[i] for i in node.inputs]
            for name, arg, local in zip(node.inputs, args, _BACKWARD[node.op](g, *args, out=values[node.name],
                                                                               axes=axes)):
                local = _sum_to(local, arg.shape)
                grads[name] = grads[name] + local if name in grads else local
        return {name: grads[name] for name in self.inputs if name in grads}

    def to_dot(self, title: str = "graph") -> str:
        """Graphviz DOT: inputs as boxes, operations as ellipses labelled with their formula."""
        lines = [f'digraph "{title}" {{', "  rankdir=LR;"]
        for node in self.nodes:
            shape = "box" if node.op == "input" else "ellipse"
            text = node.label or node.name
            lines.append(f'  "{node.name}" [shape={shape}, label="{text}\\n({node.op})"];')
        for node in self.nodes:
            for source in node.inputs:
                lines.append(f'  "{source}" -> "{node.name}";')
        lines.append("}")
        return "\n".join(lines)

    def to_tikz(self) -> str:
        """A TikZ picture (needs \\usetikzlibrary{positioning}): one column per depth, arrows as data flows."""
        depth: dict[str, int] = {}
        for node in self.nodes:
            depth[node.name] = 1 + max((depth[i] for i in node.inputs), default=-1)
        rows: dict[int, int] = {}
        lines = [r"\begin{tikzpicture}[>=stealth, every node/.style={draw, rounded corners, inner sep=3pt}]"]
        for node in self.nodes:
            column = depth[node.name]
            row = rows.get(column, 0)
            rows[column] = row + 1
            text = node.label or node.name
            lines.append(rf"  \node ({node.name}) at ({2.6 * column:.1f}, {-1.2 * row:.1f}) {{${text}$}};")
        for node in self.nodes:
            for source in node.inputs:
                lines.append(rf"  \draw[->] ({source}) -- ({node.name});")
        lines.append(r"\end{tikzpicture}")
        return "\n".join(lines)


def _count(a: np.ndarray, axes: tuple[int, ...]) -> int:
    return int(np.prod([a.shape[k] for k in axes]))


_FORWARD = {
    "mean": lambda a, *, axes, eps: a.mean(axis=axes, keepdims=True),
    "sub": lambda a, b, **_: a - b,
    "add": lambda a, b, **_: a + b,
    "mul": lambda a, b, **_: a * b,
    "square": lambda a, **_: a * a,
    "add_eps": lambda a, *, axes, eps: a + eps,
    "rsqrt": lambda a, **_: 1.0 / np.sqrt(a),
}

_BACKWARD = {
    "mean": lambda g, a, *, out, axes: (np.broadcast_to(g, a.shape) / _count(a, axes),),
    "sub": lambda g, a, b, **_: (g, -g),
    "add": lambda g, a, b, **_: (g, g),
    "mul": lambda g, a, b, **_: (g * b, g * a),
    "square": lambda g, a, **_: (2 * a * g,),
    "add_eps": lambda g, a, **_: (g,),
    "rsqrt": lambda g, a, *, out, axes: (-0.5 * g * out**3,),
}
