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

    def layers(self) -> dict[str, int]:
        """The row of each node in a drawing: an operation one below its deepest input, an input one
        above its first consumer (so gamma and beta sit beside the step that uses them)."""
        depth: dict[str, int] = {}
        for node in self.nodes:
            if node.op != "input":
                depth[node.name] = 1 + max((depth.get(i, 0) for i in node.inputs), default=-1)
            else:
                depth[node.name] = 0
        for node in self.nodes:
            if node.op == "input":
                consumers = [depth[n.name] for n in self.nodes if node.name in n.inputs]
                depth[node.name] = max(0, min(consumers, default=1) - 1)
        return depth

    def to_dot(self, title: str = "graph") -> str:
        """Graphviz DOT, top to bottom: inputs as boxes, operations as ellipses labelled with their
        formula in Unicode (no LaTeX) and the operation; Graphviz routes the edges around the nodes."""
        lines = [f'digraph "{title}" {{', "  rankdir=TB; splines=true; nodesep=0.4; ranksep=0.35;",
                 '  node [fontname="Helvetica", fontsize=11];']
        for node in self.nodes:
            shape = "box, style=filled, fillcolor=gray92" if node.op == "input" else "ellipse"
            text = _unicode_label(node.label) if node.label else node.name
            op = "" if node.op == "input" else f"\\n{node.op}"
            lines.append(f'  "{node.name}" [shape={shape}, label="{text}{op}"];')
        for node in self.nodes:
            for source in node.inputs:
                lines.append(f'  "{source}" -> "{node.name}";')
        lines.append("}")
        return "\n".join(lines)

    def to_tikz(self, *, row: float = 1.15, column: float = 2.6) -> str:
        """A TikZ picture (plain TikZ, no library), top to bottom, one row per ``layers()`` depth.

        The operations of a row share it from the left; an edge between neighbouring rows is a
        straight arrow, an edge that skips rows runs in a lane of its own beside the graph (left of
        the first column when both ends are in it, right of the last otherwise), so no edge crosses
        a node.
        """
        depth = self.layers()
        rows: dict[int, list[str]] = {}
        for node in sorted(self.nodes, key=lambda n: n.op == "input"):
            rows.setdefault(depth[node.name], []).append(node.name)
        col = {name: k for names in rows.values() for k, name in enumerate(names)}
        last = max(col.values())
        lines = [r"\begin{tikzpicture}[>=stealth, thick, every node/.style={draw, rounded corners, "
                 r"minimum height=0.62cm, inner sep=3pt, fill=white}]"]
        for node in self.nodes:
            style = "[fill=black!8, sharp corners]" if node.op == "input" else ""
            text = node.label or node.name
            lines.append(rf"  \node{style} ({node.name}) at ({column * col[node.name]:.2f}, "
                         rf"{-row * depth[node.name]:.2f}) {{${text}$}};")
        lanes: list[tuple[str, int, int]] = []  # (side, top, bottom) of the lanes taken
        for node in self.nodes:
            for source in node.inputs:
                top, bottom = depth[source], depth[node.name]
                if bottom - top <= 1:
                    lines.append(rf"  \draw[->] ({source}) -- ({node.name});")
                    continue
                side = "west" if col[source] == 0 and col[node.name] == 0 else "east"
                taken = sum(1 for s, t, b in lanes if s == side and t <= bottom and top <= b)
                lanes.append((side, top, bottom))
                offset = 1.9 + 0.45 * taken
                x = -offset if side == "west" else column * last + offset
                leave, enter = (195, 165) if side == "west" else (345, 15)  # apart where two lanes meet a node
                lines.append(rf"  \draw[->] ({source}.{leave}) -| ({x:.2f}, {-row * (top + bottom) / 2:.2f}) "
                             rf"|- ({node.name}.{enter});")
        lines.append(r"\end{tikzpicture}")
        return "\n".join(lines)


_UNICODE = {r"\mu": "μ", r"\sigma": "σ", r"\varepsilon": "ε", r"\epsilon": "ε", r"\gamma": "γ",
            r"\beta": "β", r"\hat\mu": "μ̂", r"\hat\sigma": "σ̂"}
_SCRIPTS = {"^2": "²", "_i": "ᵢ", "_B": "_B"}


def _unicode_label(label: str) -> str:
    """A node's LaTeX label in Unicode for DOT: Greek letters, hats, ², ᵢ, square roots."""
    import re

    text = label
    for latex, char in sorted(_UNICODE.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(latex, char)
    text = re.sub(r"\\hat\{(\w)\}", lambda m: m.group(1) + "\u0302", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", text)
    for script, char in _SCRIPTS.items():
        text = text.replace(script, char)
    return text.replace("{", "").replace("}", "").replace("\\", "")


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
