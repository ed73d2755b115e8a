"""Transfer of n pretrained layers, frozen or fine-tuned, against training from scratch (seed 002).

The experiment (Yosinski et al.'s AnB / AnB⁺ at the scale of a 2-core machine): for each of
SEEDS seeds, two related teacher tasks share the first layer of a random two-layer ReLU teacher
and differ in its second layer and readout. A net Linear(16, 32) → ReLU → Linear(32, 32) → ReLU
→ Linear(32, 32) → ReLU → Linear(32, 6) is trained on task A (2048 examples, PRETRAIN_STEPS
SGD steps); then, for n = 1, 2, 3, a fresh net takes A's first n layers and is trained on
task B's small training set (128 examples, STEPS steps) with those layers frozen or
fine-tuned; the baseline trains it from scratch (n = 0). Measured: test accuracy on 1024
fresh examples of B.

Orderings (one-sided paired t-tests over seeds at ORDER_LEVEL, three-valued verdicts, see
``residual_training.ordering``): frozen transfer loses accuracy from n = 1 to n = 3; at
n = 3 fine-tuning beats freezing; fine-tuning is not worse than scratch by more than MARGIN
(3 accuracy points, about three standard errors of one net's test accuracy on 1024 points)
averaged over n: a non-inferiority test of "matches or beats". Whether fine-tuning beats scratch,
and whether it beats freezing at n = 3, are measured with the same test and reported, not claimed
(the claim's answer does not state them). The counts of parameters that training changed are checked against the
derived P(n).
"""
from __future__ import annotations

import functools
import time

import numpy as np

import nets
from nets import init
from nets.train import evaluate, teacher_task, train
from ..evidence import Evidence, claim_seed
from .base import declare
from .residual_training import ordering

SEEDS = 5
FEATURES, WIDTH, CLASSES = 16, 32, 6
TASK_A, TASK_B, TEST_B = 2048, 128, 1024
PRETRAIN_STEPS, STEPS, LR = 600, 300, 0.05
TRANSFERRED = (1, 2, 3)
MARGIN = 0.03


def _net(rng: np.random.Generator) -> nets.Sequential:
    layers = []
    for k, (n_in, n_out) in enumerate(((FEATURES, WIDTH), (WIDTH, WIDTH), (WIDTH, WIDTH), (WIDTH, CLASSES))):
        linear = nets.Linear(n_in, n_out, rng=rng)
        init.kaiming_normal_(linear.weight, nonlinearity="relu", generator=rng)
        linear.bias[...] = 0
        layers += [linear, nets.ReLU()] if k < 3 else [linear]
    return nets.Sequential(*layers)


def _tasks(rng: np.random.Generator):
    shared = rng.standard_normal((WIDTH, FEATURES)) / np.sqrt(FEATURES)

    def teacher():
        return [shared, rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(2 / WIDTH)]

    task_a = teacher_task(TASK_A, features=FEATURES, classes=CLASSES, teacher=teacher(),
                          readout=rng.standard_normal((CLASSES, WIDTH)), rng=rng)
    xb, yb = teacher_task(TASK_B + TEST_B, features=FEATURES, classes=CLASSES, teacher=teacher(),
                          readout=rng.standard_normal((CLASSES, WIDTH)), rng=rng)
    return task_a, (xb[:TASK_B], yb[:TASK_B]), (xb[TASK_B:], yb[TASK_B:])


@functools.lru_cache(maxsize=2)
def transfer_runs(seed: int) -> dict:
    """{"accuracy": {(mode, n): test accuracy per seed}, "changed": {(mode, n): (parameters trained, frozen
    parameters changed) of the last seed}, "seconds": wall time}; cached."""
    start = time.perf_counter()
    accuracy, changed = {}, {}
    for child in np.random.SeedSequence([seed, 2014]).spawn(SEEDS):
        task_seed, pretrain_seed, transfer_seed = child.spawn(3)
        (xa, ya), (xb, yb), (xt, yt) = _tasks(np.random.default_rng(task_seed))
        rng = np.random.default_rng(pretrain_seed)
        source = _net(rng)
        train(source, xa, ya, steps=PRETRAIN_STEPS, batch_size=64, lr=LR, rng=rng)
        variants = [("scratch", 0)] + [(mode, n) for n in TRANSFERRED for mode in ("frozen", "fine-tuned")]
        for mode, n in variants:
            rng = np.random.default_rng(transfer_seed)  # the same fresh layers and batches for every variant
            net = _net(rng)
            names = [f"{2 * k}.{p}" for k in range(n) for p in ("weight", "bias")]
            for name in names:
                net.parameters()[name][...] = source.parameters()[name]
            before = {name: value.copy() for name, value in net.parameters().items()}
            train(net, xb, yb, steps=STEPS, batch_size=32, lr=LR, rng=rng, frozen=names if mode == "frozen" else ())
            trained = [name for name in net.parameters() if mode != "frozen" or name not in names]
            changed[(mode, n)] = (sum(net.parameters()[name].size for name in trained),
                                  sum(int(np.sum(net.parameters()[name] != before[name])) for name in names))
            accuracy.setdefault((mode, n), []).append(evaluate(net, xt, yt)[1])
    return {"accuracy": {key: np.array(v) for key, v in accuracy.items()}, "changed": changed,
            "seconds": time.perf_counter() - start}


def _freeze_vs_finetune(derivation, rng, seed):
    result = transfer_runs(seed)
    acc = result["accuracy"]
    table = {f"{mode} n={n}": [float(v.mean()), float(v.std(ddof=1))] for (mode, n), v in acc.items()}
    details = {"test_accuracy_mean_sd": table, "experiment_seconds": result["seconds"]}
    last = TRANSFERRED[-1]
    fine_minus_scratch = np.mean([acc[("fine-tuned", n)] - acc[("scratch", 0)] for n in TRANSFERRED], axis=0)
    evidence = [
        ordering(f"frozen transfer loses test accuracy from n = {TRANSFERRED[0]} to n = {last}",
                 acc[("frozen", TRANSFERRED[0])] - acc[("frozen", last)], claim_id=derivation.id, seed=seed,
                 what=f"accuracy frozen n={TRANSFERRED[0]} - frozen n={last}", details=details),
        ordering(f"at n = {last} fine-tuning beats freezing (measured, not a claim)",
                 acc[("fine-tuned", last)] - acc[("frozen", last)], claim_id=derivation.id, seed=seed,
                 what=f"accuracy fine-tuned - frozen at n={last}", details=details, claimed=False),
        ordering(f"fine-tuning matches or beats scratch (not worse by {MARGIN:.0%} points, mean over n)",
                 fine_minus_scratch + MARGIN, claim_id=derivation.id, seed=seed,
                 what=f"accuracy fine-tuned - scratch + {MARGIN}", details=details),
    ]
    evidence.append(ordering("fine-tuning beats scratch, mean over n (measured, not a claim)", fine_minus_scratch,
                             claim_id=derivation.id, seed=seed, what="accuracy fine-tuned - scratch", details=details,
                             claimed=False))
    sizes = {"L": 4, "W": WIDTH, "C": CLASSES}
    for n in TRANSFERRED:
        point = {derivation.symbol(k): v for k, v in sizes.items()}
        derived = int(derivation.target.subs({**point, derivation.symbol("n"): n}))
        trainable, moved = result["changed"][("frozen", n)]
        evidence.append(Evidence(derivation.id, "N", f"frozen n = {n}: the run trains the derived P(n) parameters and "
                                                     "leaves every frozen one unchanged", trainable == derived and moved == 0,
                                 estimator="parameters trained", estimate=float(trainable), claimed=float(derived),
                                 seed=seed, details={"note": f"{moved} frozen parameters changed"}))
    return evidence


declare("transfer.freeze_vs_finetune", "N", run=_freeze_vs_finetune)


def transfer_figure(seed: int | None = None):
    """Test accuracy on B against the number n of transferred layers: frozen, fine-tuned, scratch."""
    import matplotlib.pyplot as plt

    seed = claim_seed("transfer.freeze_vs_finetune") if seed is None else seed
    acc = transfer_runs(seed)["accuracy"]
    figure, axis = plt.subplots(figsize=(5.5, 3.8))
    scratch = acc[("scratch", 0)]
    axis.axhspan(scratch.mean() - scratch.std(ddof=1), scratch.mean() + scratch.std(ddof=1), color="grey", alpha=0.2)
    axis.axhline(scratch.mean(), color="grey", label="scratch (n = 0)")
    for mode, colour in (("frozen", "tab:red"), ("fine-tuned", "tab:blue")):
        values = np.array([acc[(mode, n)] for n in TRANSFERRED])
        axis.errorbar(TRANSFERRED, values.mean(axis=1), yerr=values.std(axis=1, ddof=1), fmt="o-", color=colour,
                      capsize=3, label=f"AnB{'+' if mode == 'fine-tuned' else ''} ({mode})")
    axis.set_xticks(TRANSFERRED)
    axis.set_xlabel("n: layers transferred from task A")
    axis.set_ylabel("test accuracy on task B")
    axis.set_title(f"transfer at small scale, mean ± sd over {len(scratch)} seeds")
    axis.legend(fontsize=8)
    figure.tight_layout()
    return figure
