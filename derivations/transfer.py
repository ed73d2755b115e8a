"""Transfer of n layers (seed 002, transfer learning, Example 2): what freezing leaves to train.

A net of L weight layers with widths n_0 = F (inputs), n_1 = … = n_{L−1} = W, n_L = C
(classes); layer k has (n_{k−1} + 1)·n_k parameters (weights and biases). Transferring the
first n layers and freezing them (AnB in Yosinski et al.) leaves
P(n) = Σ_{k=n+1}^{L} (n_{k−1} + 1) n_k = (L − 1 − n)(W + 1)W + (W + 1)C for 1 ≤ n ≤ L − 1 to
train on task B; fine-tuning (AnB⁺) and training from scratch train all of them, P(0). The
comparison the network run makes is therefore between nets of equal size trained from different
starting points (fine-tuned, scratch) and nets that train fewer and fewer parameters (frozen).
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim

__all__ = ["trained_parameters"]

L, n, W, C, F = sp.symbols("L n W C F", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)


def trained_parameters(layers=L, transferred=n, width=W, classes=C) -> sp.Expr:
    """P(n) for 1 <= n <= L - 1 frozen layers, by summing the layers above the cut."""
    hidden = sp.summation((width + 1) * width, (k, transferred + 1, layers - 1))
    return sp.factor(sp.expand(hidden + (width + 1) * classes))


@claim("transfer.freeze_vs_finetune")
def _freeze_vs_finetune() -> Derivation:
    derived = trained_parameters()
    sizes = {L: 4, W: 32, C: 6}
    full = (F + 1) * W + (L - 2) * (W + 1) * W + (W + 1) * C
    return Derivation(
        id="transfer.freeze_vs_finetune", symbols=(L, n, W, C),
        assumptions=(r"an MLP of $L$ weight layers, widths $F, W, \dots, W, C$, every layer with a bias",
                     r"the first $n$ layers transferred from task A, $1 \le n \le L - 1$; frozen: not trained on B"),
        steps=[Step(sp.Sum((W + 1) * W, (k, n + 1, L - 1)) + (W + 1) * C, ""),
               Step((L - 1 - n) * (W + 1) * W + (W + 1) * C, "L - 1 - n equal hidden layers above the cut")],
        evaluate=lambda e: sp.expand(sp.sympify(e).doit()),
        result=sp.Eq(sp.Symbol("P(n)"), derived), values={"target": derived, "all_parameters": full},
        facts=[Fact(f"the experiment's net (F = 16, W = 32, C = 6, L = 4): n = {m} frozen layers leave {count} "
                    "parameters to train", derived.subs({**sizes, n: m}), sp.Integer(count))
               for m, count in ((1, 2310), (2, 1254), (3, 198))]
              + [Fact("fine-tuning and training from scratch train all 2854 of them", full.subs({**sizes, F: 16}),
                      sp.Integer(2854))],
        answer=(r"Frozen transfer trains $P(n) = (L-1-n)(W+1)W + (W+1)C$ parameters, fewer for every layer "
                r"transferred, while fine-tuning trains them all from A's starting point. The network run tests that "
                r"frozen transfer loses test accuracy on B as $n$ grows (the transferred upper layers are specific "
                r"to A) and that fine-tuning matches training from scratch (within 3 accuracy points); whether "
                r"fine-tuning beats freezing or scratch it measures and reports, without claiming it."),
    )
