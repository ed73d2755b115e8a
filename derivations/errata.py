"""Errata of the seed documents, as records.

Every seed was read line by line. Each record says where a seed is wrong, unclear or misnamed: the
seed and its location (problem or section, and line numbers in the seed file), what is written
(rendered in Unicode; ``anchor`` is the exact text of the first line it quotes), what is right,
the kind, the claim it concerns and which of that claim's checks shows it ("" where reading is
enough: a typo of transcription, a name). Kinds:

- ``slip``: a mathematical mistake (a wrong formula, factor, index or statement);
- ``typo``: a mistake of writing that a reader corrects without thought (a lost sign, a stray symbol);
- ``ambiguity``: a statement that needs an unstated assumption or reads two ways, one of them wrong;
- ``naming``: a result, method or author under another name than the usual one.

Only what is in the seeds is recorded; grammar and spelling of ordinary words are not.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from .sources import CHECK_KINDS, SEED_FILES, info

__all__ = ["KINDS", "Erratum", "errata", "errata_counts", "errata_markdown", "errata_text", "update_readme"]

KINDS = ("slip", "typo", "ambiguity", "naming")


@dataclass(frozen=True)
class Erratum:
    """One erratum of a seed document (see the module docstring for the fields' meaning)."""

    seed: str
    where: str
    lines: tuple[int, ...]
    anchor: str
    written: str
    right: str
    kind: str
    claim: str
    check: str = ""

    def __post_init__(self):
        if self.seed not in SEED_FILES:
            raise ValueError(f"seed must be one of {sorted(SEED_FILES)}, not {self.seed!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if not self.lines or any(not isinstance(n, int) or n < 1 for n in self.lines):
            raise ValueError(f"lines must be positive line numbers, not {self.lines!r}")
        record = info(self.claim)  # ValueError naming claim_id for an unknown claim
        if any(c not in CHECK_KINDS or c not in record.checks for c in self.check):
            raise ValueError(f"check {self.check!r} must be among {self.claim}'s checks {record.checks!r}")

    @property
    def file(self) -> str:
        return SEED_FILES[self.seed]

    @property
    def location(self) -> str:
        """"line 115" or "lines 111, 120"."""
        label = "line" if len(self.lines) == 1 else "lines"
        return f"{label} {', '.join(str(n) for n in self.lines)}"

    @property
    def shown_by(self) -> str:
        """Which check shows it, in words."""
        if not self.check:
            return "read (no computation needed)"
        return " ".join(self.check)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["lines"] = list(self.lines)
        data["file"] = self.file
        return data


_000, _001, _002, _003, _004 = "000", "001", "002", "003", "004"
_ERRATA = (
    # ---- seed 000: Seminar 4 ----------------------------------------------------------------------------
    Erratum(_000, "Assignment 1, introduction", (5,), "Glorot and Bengion's",
            "Glorot and Bengion's analysis",
            "Glorot and Bengio's analysis (Glorot & Bengio, 2010).",
            "typo", "init.glorot_forward"),
    Erratum(_000, "Assignment 2, equation (1)", (29,), r"\sigma_{\mathcal{B}}}\beta + \gamma",
            "y = (a − μ_B)/σ_B·β + γ",
            "Here β scales and γ shifts. The usual letters (Ioffe & Szegedy, PyTorch, seeds 002 and 004) are the other way round, "
            "y = γ·â + β; the toolkit keeps seed 000's letters in seed 000's claims and says so.",
            "naming", "bn.mahalanobis_form"),
    Erratum(_000, "Assignment 2 a)", (41,), "Cf. *layer normalization* which does not subtract mean",
            "Cf. layer normalization which does not subtract mean and uses plain ‖w‖.",
            "Dividing wᵀx by the plain ‖w‖ without subtracting a mean is weight normalisation (Salimans & "
            "Kingma, 2016); layer normalisation does subtract a mean, over the units of one example, and "
            "divides by their standard deviation.",
            "naming", "bn.layernorm_contrast", "S"),
    Erratum(_000, "Assignment 2 c)", (47,), "so that it does not change the network predictions",
            "Let μ_B and σ_B be the statistics of layer output a = Wx + b … introduce a BN layer … so that it does "
            "not change the network predictions.",
            "β = σ_B, γ = μ_B make BN the identity only on a batch with exactly these statistics: in training "
            "every batch brings its own, so the predictions are unchanged exactly in eval mode with the running "
            "statistics set to μ_B and σ_B² (and with ε, β = √(σ_B² + ε)).",
            "ambiguity", "bn.identity_init", "N"),
    # ---- seed 001: lecture notes --------------------------------------------------------------------------
    Erratum(_001, "L2 regularisation", (12,), r"+ 2\alpha w = \nabla_w \text{loss}",
            "∂loss/∂w + 2αw = ∇_w loss",
            "∇_w(loss + α‖w‖²) = ∂loss/∂w + 2αw. “loss” names two functions here (line 22 calls them l_data and "
            "loss_overall); read with one meaning the equation says 2αw = 0.",
            "ambiguity", "optim.l2_gradient", "S"),
    Erratum(_001, "multi-class classification loss (2)", (27,), r"l_{\text{data}}^{(i)} = \sum_{j=1}^C",
            "l_data = Σⱼ yⱼ log ŷⱼ",
            "l_data = −Σⱼ yⱼ log ŷⱼ. Without the minus sign the loss is largest at the right class, and its "
            "gradient is y − softmax(z), not softmax(z) − y.",
            "slip", "loss.softmax_ce_gradient", "SF"),
    Erratum(_001, "softmax unit", (29,), r"y = \frac{e^{z_j}}{\sum_i e^{z_i}}",
            "y = e^{z_j}/Σᵢ e^{z_i}",
            "ŷⱼ = e^{z_j}/Σᵢ e^{z_i}: the softmax output is ŷ (y is the one-hot target of line 27), with the "
            "index j.",
            "typo", "loss.softmax_ce_gradient"),
    Erratum(_001, "vanishing/exploding gradients", (56,),
            r"\frac{\partial l}{\partial \underline{\underline{w}}^1} = \underline{\underline{w}}^1 =",
            "∂l/∂W¹ = W¹ = (W¹)ᵀ(W²)ᵀ⋯(W^L)ᵀ g_L · f′(·)",
            "∂l/∂W¹ = (W²)ᵀ⋯(W^L)ᵀ g xᵀ for ŷ = W^L⋯W¹x, g = ∂l/∂ŷ (with the f′ factors between the layers in a "
            "non-linear net): W¹ is not a factor of its own gradient, the input xᵀ is, and “= W¹ =” does not "
            "belong.",
            "slip", "init.vanishing_chain", "S"),
    Erratum(_001, "vanishing/exploding gradients", (64,), r"\hat{y} = (1.2)^{200} \underline{\underline{I}}",
            "ŷ = (1.2)²⁰⁰ I → ∂l/∂W¹ = (1.2)²⁰⁰ I",
            "The product W^L⋯W¹ is 1.2²⁰⁰·I, so ŷ = 1.2²⁰⁰·x (a vector) and ∂l/∂W¹ = 1.2¹⁹⁹·g xᵀ: the gradient "
            "has one factor c fewer than the output.",
            "slip", "init.vanishing_chain", "S"),
    Erratum(_001, "vanishing/exploding gradients", (68,), r"(0.5)^L \cdot",
            "∂l/∂W¹ = (0.5)^L · I",
            "∂l/∂W¹ = 0.5^{L−1}·g xᵀ.",
            "slip", "init.vanishing_chain", "S"),
    Erratum(_001, "initialisation, all zeros", (79,), r"\underline{w}_i^i = 0 = b_i^i",
            "∀i w_i^i = 0 = b_i^i",
            "Every weight and bias of every layer is zero: W^l = 0 and b^l = 0 for l = 1, …, L (one index i "
            "serves as both the layer and the unit).",
            "typo", "init.zero_init_symmetry"),
    Erratum(_001, "initialisation, all zeros", (85,), r"\frac{a^2}{\underline{\underline{a}^2}}",
            "z³ = W³ (a²/a²) + b³",
            "z³ = W³a² + b³ (a² is written twice, as a fraction).",
            "typo", "init.zero_init_symmetry"),
    Erratum(_001, "initialisation, all zeros", (91,), "Network outputs 0.5 no matter what the input is.",
            "Network outputs 0.5 no matter what the input is.",
            "True for a sigmoid output unit, σ(0) = ½, which the notes do not state; with a linear or tanh "
            "output the network outputs 0.",
            "ambiguity", "init.zero_init_symmetry", "S"),
    Erratum(_001, "initialisation (2) and (3)", (111, 120), "(2) Xavier-He Initialization:",
            "(2) Xavier-He Initialization: w ∼ 𝒩(0, √(2/(n^{(l−1)} + n^{(l)}))) … (3) There are others such as "
            "Glorot initialization.",
            "2/(n_in + n_out) is Glorot and Bengio's initialisation, which is the Xavier initialisation (Xavier "
            "Glorot): (2) and (3) are one scheme. He's is 2/n_in, for ReLU.",
            "naming", "init.glorot_compromise"),
    Erratum(_001, "initialisation (2), the diagram", (113,), r"with dimensions $n^{(l-1)} \times n^{(l)}$",
            "a weight matrix w^l with dimensions n^{(l−1)} × n^{(l)}. An input vector x^l with dimension n^{(l)} is "
            "multiplied by w^l to produce the output y^l",
            "The input of layer l is the n^{(l−1)} units of layer l − 1 (line 107) and its output the n^{(l)} "
            "units of layer l; as described, the n^{(l−1)} × n^{(l)} matrix maps n^{(l)} inputs to n^{(l−1)} "
            "outputs, the other way round. For y = Wx from layer l − 1 to layer l, W is n^{(l)} × n^{(l−1)} "
            "(Glorot's variance is symmetric in the two, so the formula is unaffected).",
            "ambiguity", "init.glorot_compromise"),
    Erratum(_001, "initialisation (2)", (115,), r"\mathcal{N}(0, \sqrt{\frac{2}{n^{(l-1)} + n^{(l)}}})",
            "w^l ∼ 𝒩(0, √(2/(n^{(l−1)} + n^{(l)})))",
            "w^l ∼ 𝒩(0, 2/(n^{(l−1)} + n^{(l)})) in line 109's convention 𝒩(mean, variance): 2/(n_in + n_out) is "
            "the variance, its square root the standard deviation.",
            "slip", "init.glorot_compromise", "SM"),
    Erratum(_001, "batch normalisation", (144, 146, 156), "For an intermediate layer i , z^i are normalized as",
            "For an intermediate layer i, z^i are normalized as … μ = (1/B) Σ_{i=1}^B z^i … "
            "z̃^{(i)} = γ^{(i)} z_norm^{(i)} + β^{(i)}",
            "Two indices: for layer l, μ^l = (1/B) Σ_{i=1}^B z^{l,(i)} over the examples i of the batch, and "
            "z̃^{l,(i)} = γ^l z_norm^{l,(i)} + β^l, with γ and β per layer (and unit), not per example.",
            "ambiguity", "bn.train_eval"),
    Erratum(_001, "batch normalisation", (152, 154), r"Our hidden units z_{norm}^i have $(0, \sigma^2)$",
            "Our hidden units z_norm have (0, σ²) → we make them (γ, β)",
            "z_norm has batch mean 0 and variance 1 (σ²/(σ² + ε) with ε), not σ²; after z̃ = γ z_norm + β the mean "
            "is β and the standard deviation |γ|.",
            "slip", "bn.output_stats_at_init", "S"),
    Erratum(_001, "BN at test time", (170,), r"\mu_{\text{av}}^t &+= \alpha \mu^{t-1} + (1-\alpha) \mu^t",
            "μ_av^t += α μ^{t−1} + (1 − α) μ^t",
            "μ_av^t = α μ_av^{t−1} + (1 − α) μ^t: an assignment, not +=, of the previous average, not the previous "
            "batch mean.",
            "slip", "bn.train_eval", "N"),
    Erratum(_001, "note: with BN the bias is eliminated", (175,), r"z^l = w^l a^{l-1} + b^{l-1}",
            "z^l = w^l a^{l−1} + b^{l−1}",
            "z^l = w^l a^{l−1} + b^l: the bias belongs to layer l.",
            "typo", "bn.bias_invariance"),
    Erratum(_001, "dropout", (190, 194), "Inverted Dropout: In training: scale up",
            "Inverted Dropout: In training: scale up; 1/p … Test time: B/c all neurons are active we must scale "
            "the activations by p, so that",
            "With inverted dropout (scaling by 1/p in training) the test-time network is not scaled; scaling by "
            "p at test time belongs to the other scheme, which trains with the plain mask. (The sentence is "
            "also unfinished.)",
            "ambiguity", "dropout.inverted_scaling", "M"),
    # ---- seed 002: lecture 6 ------------------------------------------------------------------------------
    Erratum(_002, "side step: symmetries and gradients", (14, 16), "invariant to the linear mapping",
            "f(w) invariant to the linear mapping B: ℝⁿ → ℝⁿ … ∇f(Bw) = B^{−T}∇f(w)",
            "B must be invertible for B^{−T} to exist (differentiating f(Bw) = f(w) gives Bᵀ∇f(Bw) = ∇f(w)); the "
            "permutations that swap hidden units are.",
            "ambiguity", "symmetry.gradient_equivariance", "S"),
    Erratum(_002, "Example 1; batch normalisation", (57, 67, 92), "lacksymbol",
            "“lacksymbol{\\circ}”, “\\label{eq:started}”, “igstarrow γ_i, eta_i are learnable parameters”",
            "Transcription damage: two bullets, a stray label and “γᵢ, βᵢ are learnable parameters” (a "
            "backslash-b sequence was eaten, which turned \\beta into “eta”).",
            "typo", "bn.reparametrization"),
    Erratum(_002, "batch normalisation", (80,), "(Joffe & Szegedy, 2015)",
            "(Joffe & Szegedy, 2015)",
            "(Ioffe & Szegedy, 2015).",
            "typo", "bn.reparametrization"),
    Erratum(_002, "batch normalisation; BatchNorm1d in PyTorch", (95, 107), "exponentially weighted averages of",
            "exponentially weighted averages of μ_B and σ_B are kept … keeps running averages of the batch "
            "statistic μ_B and σ_B for each channel",
            "PyTorch keeps running_mean and running_var, an average of the variance, not of σ_B, updated with the "
            "unbiased batch variance m/(m − 1)·σ_B² while training normalises with the biased σ_B².",
            "ambiguity", "bn.train_eval", "N"),
    Erratum(_002, "batch normalisation as re-parametrisation", (118,), r"w \to \gamma \frac{w}{\sigma_{\mathcal{B}}}",
            "w → γ w/σ_B,  b → γ(b − μ_B)/σ_B + β",
            "With the ε of line 89 the fold divides by √(σ_B² + ε): w → γw/√(σ_B² + ε), "
            "b → γ(b − μ_B)/√(σ_B² + ε) + β; with σ_B it is exact only for ε = 0.",
            "ambiguity", "bn.reparametrization", "S"),
    # ---- seed 003: problems --------------------------------------------------------------------------------
    Erratum(_003, "Problem 1", (7,), "where u and v are vectors",
            "u = Wx + b where u and v are vectors",
            "u and x are vectors (there is no v).",
            "typo", "init.linear_unit_variance"),
    Erratum(_003, "Problem 1 a)", (7, 9), "zero mean Gaussian distribution with variance σ",
            "initialize each weight in W from a zero mean Gaussian distribution with variance σ",
            "σ names a variance here, where σ usually is a standard deviation: the answer σ = 1/d_x is a "
            "variance, and the standard deviation is 1/√d_x.",
            "naming", "init.linear_unit_variance"),
    Erratum(_003, "Problem 3", (32,),
            "the variance of a product of independent random variables is the product of the variances",
            "the variance of a product of independent random variables is the product of the variances",
            "V[XY] = V[X]V[Y] + E[X]²V[Y] + E[Y]²V[X] for independent X and Y: the product of the variances only "
            "when both means are zero, as they are here (zero-mean weights, and inputs zero-mean at every layer).",
            "slip", "residual.variance_recursion", "S"),
    Erratum(_003, "Problem 3 a), b)", (32, 34, 35), "zero mean and variance σ_W",
            "weights drawn … with zero mean and variance σ_W … the variance σ²_{ℓ+1} … as a function of σ_w and ℓ",
            "σ_W is a variance, and so is σ²_ℓ: one variance is written squared and the other not. Part b) writes "
            "σ_w for σ_W (and “expresison”).",
            "ambiguity", "residual.variance_recursion"),
    Erratum(_003, "Problem 3 c)", (36,), r"Using $(1 + \epsilon)^N \approx e^{\epsilon N}$",
            "Using (1 + ε)^N ≈ e^{εN}",
            "The N of the hint is the number of factors, here the depth L: (1 + N²Cσ_W)^L ≈ e^{N²Cσ_W·L}; it is "
            "not the filter width N of the problem.",
            "ambiguity", "residual.doubling_weight_variance"),
    # ---- seed 004: discussion 4 ----------------------------------------------------------------------------
    Erratum(_004, "§2 Batch Normalization", (41,), "each dimension,  $a^{(i)}$  is normalized",
            "each dimension, a^{(i)} is normalized",
            "Each dimension k, a_i^{(k)}, is normalised: i is the example and k the dimension, as in line 43.",
            "typo", "bn.param_gradients"),
    Erratum(_004, "§2 Batch Normalization", (49,), r"\sqrt{\left(\sigma_B^{(k)}\right)^2} + \epsilon}",
            "ā_i^{(k)} = (a_i^{(k)} − μ_B^{(k)})/(√((σ_B^{(k)})²) + ε)·γ + β",
            "(a_i^{(k)} − μ_B^{(k)})/√((σ_B^{(k)})² + ε)·γ + β: ε inside the root, as in line 43.",
            "typo", "bn.param_gradients", "S"),
    Erratum(_004, "§2 Batch Normalization", (43, 49), r"\bar{a}_{i}^{(k)} = ",
            "ā_i^{(k)} = (a_i^{(k)} − μ_B^{(k)})/√((σ_B^{(k)})² + ε) (line 43) … ā_i^{(k)} = … γ + β (line 49)",
            "One name for the normalised value and for the scaled and shifted output. Two names, as Problem 2 has them: x̂ᵢ for the normalised value and yᵢ = γx̂ᵢ + β for the output.",
            "ambiguity", "bn.param_gradients"),
    Erratum(_004, "Solution 2", (67, 79), "where m represents the number of batches",
            "for i = {1, ..., m} where m represents the number of batches … We sum from i = 1 to m since we have "
            "m batches.",
            "m is the number of examples in the one batch (the batch size), and i ∈ {1, …, m}.",
            "slip", "bn.param_gradients"),
    Erratum(_004, "Solution 2", (77, 83), r"\frac{\partial f}{\partial \gamma} &= \frac{\partial f}{\partial y_i}",
            "∂f/∂γ = ∂f/∂yᵢ · ∂yᵢ/∂γ and ∂f/∂β = ∂f/∂yᵢ · ∂yᵢ/∂β",
            "∂f/∂γ = Σᵢ ∂f/∂yᵢ · ∂yᵢ/∂γ and ∂f/∂β = Σᵢ ∂f/∂yᵢ · ∂yᵢ/∂β: γ and β reach f through every yᵢ, as "
            "the next line of each (with Σᵢ) has it.",
            "slip", "bn.param_gradients", "SF"),
    Erratum(_004, "Solution 3, ∂f/∂σ² and ∂f/∂μ", (99,),
            r"\frac{\partial f}{\partial \sigma^2} &= \frac{\partial f}{\partial \hat{x}} \cdot",
            "∂f/∂σ² = ∂f/∂x̂ · ∂x̂/∂σ², and ∂f/∂μ = ∂f/∂x̂ · ∂x̂/∂μ + ∂f/∂σ² · ∂σ²/∂μ",
            "∂f/∂σ² = Σᵢ ∂f/∂x̂ᵢ · ∂x̂ᵢ/∂σ² and ∂f/∂μ = Σᵢ ∂f/∂x̂ᵢ · ∂x̂ᵢ/∂μ + ∂f/∂σ² · ∂σ²/∂μ: σ² and μ reach f "
            "through every x̂ᵢ (the following lines have the Σᵢ).",
            "slip", "bn.input_gradient", "SF"),
    Erratum(_004, "Solution 3, ∂f/∂σ²", (99,),
            r"(x_i - \mu) \cdot (\sigma^2 + \epsilon)^{-1.5} \\ &= -0.5",
            "= Σᵢ ∂f/∂x̂ᵢ · (xᵢ − μ) · (σ² + ε)^{−1.5}",
            "The line before and the line after carry the factor −0.5, the −½ of d(σ² + ε)^{−1/2}/dσ², and it "
            "belongs on this line too: ∂f/∂σ² = −½ Σᵢ ∂f/∂x̂ᵢ (xᵢ − μ)(σ² + ε)^{−3/2}. "
            "The chain's last line restores it, and the final ∂f/∂xᵢ of the solution is right; only this "
            "intermediate line is wrong.",
            "slip", "bn.input_gradient", "S"),
    Erratum(_004, "Solution 3, ∂σ²/∂xᵢ", (99,), r"&= \frac{\partial \sigma^2}{\partial x_i} &= \frac{2(x_i - \mu)}{m}",
            "… = −0.5 Σᵢ ∂f/∂x̂ᵢ · (xᵢ − μ) · (σ² + ε)^{−1.5} = ∂σ²/∂xᵢ = 2(xᵢ − μ)/m",
            "∂σ²/∂xᵢ = 2(xᵢ − μ)/m (with μ held fixed) is a separate result, glued onto the chain of ∂f/∂σ² by a "
            "stray “=”.",
            "typo", "bn.input_gradient"),
    Erratum(_004, "§4 Dropout, sample code", (129, 137, 139, 141, 144), "Forward pass for a 3-layer network.",
            "Forward pass for a 3-layer network. (no quotes) … \\text{H2} *= \\text{U2} … “    return out” (one "
            "space deeper than the body) … \"\" Forward pass at test time \"\"\" … predict ends at "
            "out = np.dot(W3, H2) + b3",
            "Valid Python: dropout_train's docstring in triple quotes, H2 *= U2, return out at the body's "
            "indentation, predict's docstring opened with three quotes, and predict ending in return out.",
            "typo", "dropout.inverted_scaling", "N"),
    Erratum(_004, "Problem 5", (162, 164, 166), "Deriving Xavier Initialization",
            "Deriving Xavier Initialization … W_ij = 𝒩(0, 1/D_a)",
            "1/D_a (fan-in) is LeCun's rule, the one Caffe's “xavier” filler implements by default; Glorot and "
            "Bengio's (Xavier) compromise is 2/(D_in + D_out). A naming convention, not a mathematical slip.",
            "naming", "init.lecun_variance"),
    Erratum(_004, "Problem 5", (166,), r"W_{ij} = \mathcal{N}\left(0",
            "W_ij = 𝒩(0, 1/D_a)",
            "W_ij ∼ 𝒩(0, 1/D_a): a weight is drawn from the distribution, not equal to it.",
            "typo", "init.lecun_variance"),
    Erratum(_004, "Solution 5", (178,), r"\operatorname{Var}(a_i) &= \operatorname{Var}(z_i)",
            "Var(aᵢ) = Var(zᵢ) = … = Var(W_ij)Var(aⱼ)D_a ⟺ Var(W_ij) = 1/D_a",
            "aᵢ (the next layer) and aⱼ (this layer) need layer indices, and the condition Var(aᵢ) = Var(aⱼ), "
            "which turns Var(aᵢ) = D_a·Var(W_ij)·Var(aⱼ) into Var(W_ij) = 1/D_a, is not written: the “⟺” links "
            "an expression to an equation.",
            "ambiguity", "init.lecun_variance", "S"),
    Erratum(_004, "§6 ReLU relatives", (191,), r"$\alpha(e^x 1)$",
            "ELU defines it as α(eˣ 1)",
            "α(eˣ − 1).",
            "typo", "activations.relatives", "F"),
    Erratum(_004, "Solution 7", (224,), "will lead to quick convergence of sigmoid function to 0",
            "the derivative of the sigmoid function is always less than 1, and multiplying gradients over "
            "multiple layers will lead to quick convergence of sigmoid function to 0",
            "σ′ ≤ ¼, so the product of the σ′ factors over many layers, the gradient, goes to 0; the sigmoid "
            "function itself does not.",
            "slip", "init.vanishing_chain"),
)


def errata() -> tuple[Erratum, ...]:
    """Every erratum, by seed and line."""
    return tuple(sorted(_ERRATA, key=lambda e: (e.seed, e.lines)))


def errata_counts() -> dict[str, dict[str, int]]:
    """Number of errata by seed and kind: {"000": {"slip": 0, "typo": 1, ...}, ..., "all": {...}}."""
    counts = {seed: Counter() for seed in SEED_FILES}
    for erratum in _ERRATA:
        counts[erratum.seed][erratum.kind] += 1
    total = sum(counts.values(), Counter())
    return {key: {kind: value[kind] for kind in KINDS} for key, value in [*counts.items(), ("all", total)]}


def _count_line() -> str:
    total = errata_counts()["all"]
    return f"{len(_ERRATA)} errata: " + ", ".join(f"{total[k]} {k}" for k in KINDS) + "."


def errata_markdown() -> str:
    """The errata as the README's Markdown section body (generated; the README is tested against it)."""
    out = [_count_line(), ""]
    for seed, file in SEED_FILES.items():
        out.append(f"**Seed {seed}** (`{file}`)")
        out.append("")
        for e in errata():
            if e.seed != seed:
                continue
            shown = f", {' '.join(e.check)}" if e.check else ""
            out.append(f"- {e.location} ({e.where}), {e.kind}, `{e.claim}`{shown}: "
                       f"writes {e.written.rstrip('.')}. Right: {e.right}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


_README_SECTION = re.compile(r"(<!-- errata:begin[^>]*-->\n)(.*?)(<!-- errata:end -->)", re.S)


def update_readme(path) -> bool:
    """Rewrite the README's generated errata section from the records; whether the file changed.

    ``python -c "from derivations.errata import update_readme; update_readme('README.md')"``
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if not _README_SECTION.search(text):
        raise ValueError(f"path {str(path)!r} has no <!-- errata:begin --> ... <!-- errata:end --> section")
    updated = _README_SECTION.sub(lambda m: m.group(1) + errata_markdown() + m.group(3), text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


def errata_text(as_json: bool = False) -> str:
    """The errata for the terminal (``dlproofs errata``), or as JSON (``--json``)."""
    if not isinstance(as_json, bool):
        raise TypeError(f"as_json must be True or False, not {as_json!r}")
    if as_json:
        return json.dumps({"counts": errata_counts(), "errata": [e.as_dict() for e in errata()]},
                          ensure_ascii=False, indent=2)
    out = [_count_line()]
    for e in errata():
        out.append("")
        out.append(f"seed {e.seed}, {e.location} ({e.where}) [{e.kind}] {e.claim}; shown by: {e.shown_by}")
        out.append(f"  written: {e.written}")
        out.append(f"  right:   {e.right}")
    return "\n".join(out) + "\n"
