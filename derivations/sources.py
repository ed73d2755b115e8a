"""The claim records: where each claim of CLAIMS.md comes from, what it asks, what the answer is.

A record is plain data, one per claim id of CLAIMS.md (all of them, built or not): the seed file,
problem and part it comes from, the question restated in our own words, the answer in one sentence
and the check kinds (letters of "SMFN": Symbolic, Monte-Carlo, Finite differences, Network).
Reading a record builds no derivation, so ``info`` and ``claim_infos`` cost only this import; the
registry (``core.get``) fills a Derivation's title, source and checks from its record.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEED_FILES", "CHECK_KINDS", "Source", "ClaimInfo", "info", "claim_infos", "claim_ids"]

#: The seed documents by their short number (the names under ``seeds/`` in the shared folder).
SEED_FILES = {
    "000": "000_dfba1c835adcadd1.txt",  # Seminar 4: He init, BN, SGD+L2, mixup
    "001": "001_126bcef6ad86b3f5.txt",  # lecture notes: L2 gradient, vanishing gradients, init, BN, dropout
    "002": "002_405165a5b921d360.txt",  # lecture 6: symmetry, Glorot, BN, ResNets, transfer learning
    "003": "003_96b24135d47bc84b.txt",  # problems: init, UGRNN, residual conv init
    "004": "004_f845be1632c434db.txt",  # discussion 4: BN backward, Xavier, ReLU, dropout, ensembles
}

#: Symbolic derivation, Monte-Carlo test, finite differences, network run.
CHECK_KINDS = "SMFN"


@dataclass(frozen=True)
class Source:
    """Where a claim is stated: a seed (its short number), the problem or section, and the part."""

    seed: str
    problem: str
    part: str = ""

    def __post_init__(self):
        if self.seed not in SEED_FILES:
            raise ValueError(f"seed must be one of {sorted(SEED_FILES)}, not {self.seed!r}")

    @property
    def file(self) -> str:
        """The seed's file name."""
        return SEED_FILES[self.seed]

    def __str__(self) -> str:
        return " ".join(p for p in (f"seed {self.seed},", self.problem, self.part) if p).rstrip(",")

    def as_dict(self) -> dict:
        return {"seed": self.seed, "file": self.file, "problem": self.problem, "part": self.part}


@dataclass(frozen=True)
class ClaimInfo:
    """One claim of CLAIMS.md as data: id, title, sources, question, answer, check kinds."""

    id: str
    title: str
    sources: tuple[Source, ...]
    question: str
    answer: str
    checks: str

    def __post_init__(self):
        if not self.sources:
            raise ValueError(f"{self.id}: a claim needs at least one source")
        if not self.checks or any(c not in CHECK_KINDS for c in self.checks):
            raise ValueError(f"{self.id}: checks must be letters of {CHECK_KINDS!r}, not {self.checks!r}")

    @property
    def source(self) -> str:
        """The sources as one line: "seed 000, Assignment 1 a); seed 001, ..."."""
        return "; ".join(str(s) for s in self.sources)

    @property
    def seeds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.seed for s in self.sources))

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source,
                "sources": [s.as_dict() for s in self.sources], "question": self.question,
                "answer": self.answer, "checks": list(self.checks)}


def _s(seed: str, problem: str, part: str = "") -> Source:
    return Source(seed, problem, part)


A1, A2, A3, A4 = "Assignment 1", "Assignment 2", "Assignment 3", "Assignment 4"
_RECORDS = (
    # ---- Initialisation ---------------------------------------------------------------------------------
    ClaimInfo("init.preact_mean", "The pre-activation has mean zero", (_s("000", A1, "a)"),),
              "For a = wᵀx with E[wᵢ] = 0 and w independent of x, what is E[a]?",
              "E[a] = Σᵢ E[wᵢ]E[xᵢ] = 0: it needs only E[wᵢ] = 0 and w independent of x.", "SM"),
    ClaimInfo("init.preact_var", "Variance of the pre-activation", (_s("000", A1, "a)"),),
              "With E[xᵢ] = μ, E[xᵢ²] = χ and the wᵢ i.i.d. with mean 0 and variance v, independent of x, "
              "what is V[a], and which independence does that need?",
              "V[a] = n·v·χ with χ = E[xᵢ²] (not the variance of xᵢ); it needs the wᵢ i.i.d. with mean zero and "
              "independent of x, while the xᵢ may be correlated with each other.", "SM"),
    ClaimInfo("init.preact_symmetric", "A symmetric weight distribution gives a symmetric pre-activation",
              (_s("000", A1, "b)"),),
              "If the distribution of w is symmetric about zero, is the distribution of a = wᵀx symmetric about zero?",
              "Yes, whatever the distribution of x: (−w, x) has the law of (w, x) when w is independent of x, and "
              "a(−w, x) = −a(w, x), so −a has the law of a.", "SM"),
    ClaimInfo("init.relu_second_moment", "Second moment of a ReLU of a symmetric variable", (_s("000", A1, "c)"),),
              "For y = relu(a) with a symmetric about zero, what is E[y²], and does it hold for a non-symmetric a?",
              "E[relu(a)²] = ½E[a²] = ½V[a] for every a symmetric about zero; for a non-symmetric a with mean zero "
              "it fails in general (a centred Exponential(1) gives 2/e, not ½).", "SM"),
    ClaimInfo("init.variance_recursion", "Pre-activation variance through a deep ReLU network",
              (_s("000", A1, "d)"),),
              "How does the pre-activation variance α_k of layer k of a deep ReLU network depend on α_{k−1}?",
              "α_k = ½·n_{k−1}·v_k·α_{k−1}: V[a] = n·v·χ with χ = E[relu(a)²] = ½α of the layer below.", "SMN"),
    ClaimInfo("init.he_variance", "He initialisation",
              (_s("000", A1, "d)"), _s("001", "initialisation"), _s("002", "proper initialisation")),
              "Which weight variance keeps α_k = α_{k−1} in a ReLU network, and what does a fixed standard deviation "
              "such as 0.01 do to the variance with depth?",
              "V[w] = 2/n_{k−1}; a fixed standard deviation s multiplies the variance by n·s²/2 per layer, so it "
              "vanishes (n = 256, s = 0.01: ×0.0128) or explodes (s = 1: ×128) geometrically with depth.", "SMN"),
    ClaimInfo("init.lecun_variance", "Fan-in (LeCun) initialisation, which seed 004 calls Xavier",
              (_s("001", "initialisation"), _s("004", "Problem 5")),
              "With tanh in its linear regime and weights and inputs independent with mean zero, which weight "
              "variance keeps the variance of the activations equal from layer to layer?",
              "V[W_ij] = 1/D_a (fan-in scaling, LeCun's rule; seed 004 calls it Xavier, as Caffe's “xavier” filler does), from "
              "V[WA] = E[W]²V[A] + E[A]²V[W] + V[W]V[A] with both means zero.", "SM"),
    ClaimInfo("init.glorot_forward", "Glorot and Bengio: the forward variance", (_s("002", "Example 1"),),
              "Under Glorot and Bengio's assumptions (tanh linear, everything i.i.d. with mean zero), how does the "
              "variance of the outputs of layer k relate to that of layer k−1?",
              "V[x^k] = n_{k−1}·ω_k·V[x^{k−1}].", "SM"),
    ClaimInfo("init.glorot_backward", "Glorot and Bengio: the backward variance", (_s("002", "Example 1"),),
              "Under the same assumptions, how does the variance of the backpropagated gradient ∇^k relate to that "
              "of ∇^{k+1}?",
              "V[∇^k] = n_{k+1}·ω_{k+1}·V[∇^{k+1}].", "SM"),
    ClaimInfo("init.glorot_compromise", "Glorot's compromise", (_s("001", "initialisation"), _s("002", "Example 1")),
              "Which weight variance balances the forward condition n_{k−1}ω_k = 1 and the backward condition "
              "n_k·ω_k = 1?",
              "ω_k = 2/(n_{k−1} + n_k), a variance (seed 001 writes it in the place of a standard deviation).", "SM"),
    ClaimInfo("init.linear_unit_variance", "Initialisation variance of a linear unit", (_s("003", "Problem 1", "a)"),),
              "For u = Wx + b with b = 0 and each xⱼ of zero mean and unit variance, which weight variance σ gives "
              "each component of u zero mean and unit variance?",
              "σ = 1/d_x (σ is a variance here), since V[uᵢ] = d_x·σ.", "SM"),
    ClaimInfo("init.shifted_relu_variance", "Initialisation variance of a shifted ReLU unit",
              (_s("003", "Problem 1", "b)"),),
              "For u′ = relu(Wx + b) − b′, must the weight variance increase or decrease (against part a) to give u′ "
              "zero mean and unit variance, and to what value?",
              "Increase, for any input distribution: s = Wx is symmetric, so V[relu(s)] = ½V[s] − E[relu(s)]² < "
              "½d_x·σ and unit variance needs σ > 2/d_x; for Gaussian s (large width) the value is "
              "σ = 2π/((π−1)d_x) ≈ 2.93/d_x, our own figure (the seed asks only for the direction).", "SM"),
    ClaimInfo("init.zero_init_symmetry", "All-zero initialisation",
              (_s("001", "initialisation"), _s("002", "weight initialisation", "(1)")),
              "What does a network with a sigmoid output do when every weight and bias starts at zero?",
              "It outputs σ(0) = ½ for every input, and every hidden weight and bias gets a zero gradient (each is "
              "multiplied by a zero weight of the layer above), so only the output layer moves, the same for "
              "every hidden unit.", "SN"),
    ClaimInfo("init.constant_init_symmetry", "Constant initialisation keeps units identical",
              (_s("001", "initialisation"), _s("002", "weight initialisation")),
              "What happens under gradient descent when all weights start at the same non-zero constant?",
              "All hidden units of a layer compute the same value and get the same gradient, so they stay identical "
              "for ever: the loss is invariant under swapping them and gradient descent keeps that invariance.",
              "SN"),
    ClaimInfo("init.vanishing_chain", "Exploding and vanishing signals through W = cI",
              (_s("001", "vanishing/exploding gradients"),),
              "For ŷ = W^L⋯W^1·x with every W = c·I, how do the output and ∂l/∂W^1 scale with the depth L, and at "
              "which depth do float32 and float64 overflow or underflow?",
              "ŷ = c^L·x and ∂l/∂W^1 = c^{L−1}·g·xᵀ (g = ∂l/∂ŷ); with x = 1, 1.2^L overflows float32 at L = 487 and "
              "float64 at L = 3894, and 0.5^L rounds to zero in float32 at L = 150 and in float64 at L = 1075.", "SN"),
    ClaimInfo("init.node_statistics", "Node statistics of a deep ReLU network", (_s("002", "slides 3 and 5"),),
              "How do the per-layer activation statistics of a deep ReLU network differ between weights drawn with a "
              "fixed small variance and a proper (He) initialisation?",
              "α_k = n·v·χ₀·(n·v/2)^{k−1}: with v = 10⁻⁴ and n = 256 it shrinks by 0.0128 per layer, with v = 1 it "
              "grows by 128, and with He's v = 2/n it stays at 2χ₀.", "MN"),
    # ---- Symmetry ---------------------------------------------------------------------------------------
    ClaimInfo("symmetry.gradient_equivariance", "Gradients of an invariant function",
              (_s("002", "side step: symmetries and gradients"),),
              "If f(Bw) = f(w) for an invertible linear map B, how is ∇f(Bw) related to ∇f(w)?",
              "∇f(Bw) = B^{−T}∇f(w): differentiating f(Bw) = f(w) gives Bᵀ∇f(Bw) = ∇f(w).", "SF"),
    ClaimInfo("symmetry.gd_preserves_invariance", "Gradient descent keeps an invariant point invariant",
              (_s("002", "side step: symmetries and gradients"),),
              "If gradient descent starts at w₀ = Bw₀ and B^{−T} = B, do the iterates stay invariant?",
              "Yes: B(w_t − α∇f(w_t)) = w_t − α∇f(Bw_t) = w_{t+1} when Bw_t = w_t, so by induction Bw_t = w_t for "
              "every t, and the symmetry must be broken at initialisation.", "SN"),
    # ---- Batch normalisation ----------------------------------------------------------------------------
    ClaimInfo("bn.mahalanobis_form", "Batch norm as a Mahalanobis-normalised projection",
              (_s("000", A2, "a)"),),
              "Show that batch norm of a = wᵀx + b is y = wᵀ(x − x̄)/‖w‖_X·β + γ, with X the biased batch covariance "
              "and ‖w‖_X = (wᵀXw)^{1/2}.",
              "aᵢ − μ_B = wᵀ(xᵢ − x̄) and σ_B² = (1/n)Σᵢ(wᵀ(xᵢ − x̄))² = wᵀXw, so y = wᵀ(x − x̄)/‖w‖_X·β + γ "
              "(seed 000's letters: β scales, γ shifts).", "SMN"),
    ClaimInfo("bn.bias_invariance", "Batch norm does not depend on the bias", (_s("000", A2, "a)"),),
              "Does the batch-normalised output depend on the bias b of the linear layer before it?",
              "No: b cancels in aᵢ − μ_B and does not enter σ_B, so a bias before batch norm is redundant.", "SN"),
    ClaimInfo("bn.scale_invariance", "Batch norm ignores the scale of w (and flips with its sign)",
              (_s("000", A2, "a)"),),
              "Does the output change when w is scaled by c > 0, and what does a c < 0 do?",
              "y(cw) = sign(c)·(y(w) − γ) + γ: unchanged for c > 0, reflected about γ (y → 2γ − y) for c < 0.", "SN"),
    ClaimInfo("bn.output_stats_at_init", "Batch statistics of the BN output at initialisation",
              (_s("000", A2, "b)"),),
              "With β = 1 and γ = 0 (seed 000's letters), what are the batch mean and standard deviation of the "
              "output, and does the weight initialisation still affect the forward pass when BN follows every "
              "linear layer?",
              "Mean 0 and standard deviation 1 (√(σ_B²/(σ_B² + ε)) with ε); the scale of the weights no longer "
              "affects the forward pass, only their directions do, though it still scales the gradients by 1/c.",
              "SN"),
    ClaimInfo("bn.identity_init", "Initialising BN as the identity", (_s("000", A2, "c)"),),
              "Which β and γ make a batch-norm layer inserted after a = Wx + b leave the network's predictions "
              "unchanged?",
              "β = σ_B (√(σ_B² + ε) with ε) and γ = μ_B in seed 000's letters (β scales, γ shifts); it is exactly the "
              "identity in eval mode with these running statistics, and in training only for the batch whose "
              "statistics they are.", "SN"),
    ClaimInfo("bn.layernorm_contrast", "Weight norm and layer norm against batch norm", (_s("000", A2, "a)"),),
              "What changes when the mean is not subtracted over the batch and the plain ‖w‖ replaces ‖w‖_X, and how "
              "does layer norm differ?",
              "Dividing by the plain ‖w‖ without centring is weight normalisation: it equals the Mahalanobis form "
              "only for centred, whitened data and keeps the bias; layer norm centres and scales over the units of "
              "one example, so it is invariant to scaling the whole layer, not one unit, and ignores the batch.",
              "SN"),
    ClaimInfo("bn.reparametrization", "Folding batch norm into the linear layer", (_s("002", "batch normalisation"),),
              "How does batch norm after a linear layer fold into the layer's weight and bias?",
              "BN(wᵀx + b) = (γw/σ_B)ᵀx + γ(b − μ_B)/σ_B + β: w → γw/σ_B and b → γ(b − μ_B)/σ_B + β.", "SN"),
    ClaimInfo("bn.train_eval", "Running statistics in training, used in eval",
              (_s("001", "BN at test time"), _s("002", "batch normalisation in PyTorch")),
              "How are the batch statistics averaged during training and used in eval, and over which axes do "
              "BatchNorm1d and BatchNorm2d reduce?",
              "Training normalises with the batch statistics and updates r ← (1 − m)·r + m·ŝ (the unbiased batch "
              "variance, so E[r_t] → s²); eval normalises with r; BatchNorm1d reduces over the batch (and length), "
              "BatchNorm2d over batch, height and width.", "N"),
    ClaimInfo("bn.param_gradients", "Gradients of batch norm with respect to γ and β", (_s("004", "Problem 2", "part 2"),),
              "Given the upstream gradients ∂f/∂yᵢ, what are ∂f/∂γ and ∂f/∂β for yᵢ = γx̂ᵢ + β?",
              "∂f/∂γ = Σᵢ ∂f/∂yᵢ·x̂ᵢ and ∂f/∂β = Σᵢ ∂f/∂yᵢ: the sum over the batch appears because γ and β are shared "
              "by every example.", "SF"),
    ClaimInfo("bn.input_gradient", "Gradient of batch norm with respect to its input", (_s("004", "Problem 3"),),
              "Given the upstream gradients gᵢ = ∂f/∂yᵢ, what is ∂f/∂xᵢ in closed form?",
              "∂f/∂xᵢ = γ/(m√(σ_B² + ε))·(m·gᵢ − Σⱼgⱼ − x̂ᵢ·Σⱼgⱼx̂ⱼ); seed 004's final line is right (its slips on the "
              "way are listed under errata).", "SF"),
    ClaimInfo("bn.computation_graph", "The computation graph of batch norm", (_s("004", "Problem 2", "part 1"),),
              "Draw the computation graph of the batch-norm layer.",
              "Inputs xᵢ, γ, β; μ_B and σ_B² are reductions over the batch, so every xⱼ reaches every yᵢ through "
              "them, and the backward pass has three paths: through x̂ᵢ, μ_B and σ_B².", "N"),
    # ---- Optimisation -----------------------------------------------------------------------------------
    ClaimInfo("optim.l2_gradient", "The gradient of an L2-regularised loss", (_s("001", "L2 regularisation"),),
              "What is the gradient of loss + α‖w‖², and where in training is the regulariser's part added?",
              "∇(loss + α‖w‖²) = ∇loss + 2αw (seed 001); with seed 000's (λ/2)‖θ‖² it is ∇L + λθ, so λ = 2α is "
              "PyTorch's weight_decay; backpropagation carries only ∇loss through the graph, and the regulariser's "
              "part is added at the update step.", "SF"),
    ClaimInfo("optim.momentum_data_only", "Momentum on the data gradient only", (_s("000", A3),),
              "Design an SGD algorithm for L(θ) + (λ/2)‖θ‖² that applies momentum (exponential averaging) to the "
              "stochastic gradient g only, not to g_r = λθ.",
              "v_t = ρ·v_{t−1} + g_t and θ_{t+1} = θ_t − η(v_t + λθ_t): the buffer averages g alone and the exact "
              "λθ_t is added at each step.", "SN"),
    ClaimInfo("optim.momentum_equivalence", "Is momentum on g alone momentum on g + g_r?", (_s("000", A3),),
              "Is that algorithm equivalent to SGD with momentum on g + g_r, with possibly other λ, momentum and "
              "learning rate, and under which conditions?",
              "Yes, with λ′ = (1 − ρ)λ, ρ′ = ρ(1 − ηλ), η′ = η (PyTorch's undamped buffer; with the damped "
              "average (1 − ρ)g it is λ′ = λ, ρ′ = ρ(1 − ηλ), η′ = η(1 − ρ)/(1 − ρ′)), provided 0 ≤ ηλ < 1 and the "
              "second buffer starts matched (λθ₀/(1 − ηλ) undamped), not at zero, or the first steps differ. With "
              "PyTorch's default buffer the gap is ηρλθ₀((1 − ηλ)^t − ρ^t)/(1 − ηλ − ρ), decaying like "
              "max(ρ, 1 − ηλ)^t; under a learning-rate schedule η_t the mapping stays exact with a time-varying "
              "ρ′_t = ρ(1 − η_{t−1}λ).", "SN"),
    # ---- Mixup ------------------------------------------------------------------------------------------
    ClaimInfo("mixup.ce_linear_in_target", "Cross-entropy is linear in the target", (_s("000", A4, "a)"),),
              "Is the cross-entropy l(x, y) linear in the target y?",
              "Yes: l(x, y) = −Σ_c y_c·log p_c(x), so l(x, λy₁ + (1 − λ)y₂) = λ·l(x, y₁) + (1 − λ)·l(x, y₂).", "SF"),
    ClaimInfo("mixup.label_free_form", "The mixup loss without the second label", (_s("000", A4, "a)"),),
              "Show that the expected mixup loss (5) equals 2·E E E[λ·l(x̃_λ, y₁)] (6).",
              "By linearity (5) = E[λ·l(x̃_λ, y₁)] + E[(1 − λ)·l(x̃_λ, y₂)], and swapping the two draws together with "
              "λ ↔ 1 − λ (Be(α, α) is symmetric) turns the second term into the first: the weight of l(x̃_λ, y₁) is 2λ. "
              "The unlabelled x₂ must come from the same input marginal as x₁ (the swap needs identically "
              "distributed draws).", "SM"),
    ClaimInfo("mixup.beta_identity", "Reweighting Be(alpha, alpha) by 2 lambda gives Be(alpha + 1, alpha)", (_s("000", A4, "b)"),),
              "Prove 2λ·p_Be(α,α)(λ) = p_Be(α+1,α)(λ).",
              "p_Be(α+1,α)(λ) = λ·λ^{α−1}(1 − λ)^{α−1}·Γ(2α + 1)/(Γ(α + 1)Γ(α)), and Γ(2α + 1)/Γ(α + 1) = "
              "2Γ(2α)/Γ(α), which is 2λ·p_Be(α,α)(λ).", "SM"),
    ClaimInfo("mixup.simplified_objective", "The simplified mixup objective", (_s("000", A4, "b)"),),
              "Use the identity to simplify (6).",
              "(6) = E_{(x₁,y₁)} E_{x₂} E_{λ∼Be(α+1,α)} l(x̃_λ, y₁): the label y₂ is never used, so x₂ may be "
              "unlabelled.", "SM"),
    # ---- Residual networks ------------------------------------------------------------------------------
    ClaimInfo("residual.variance_recursion", "Variance through a residual convolution", (_s("003", "Problem 3", "a)"),),
              "For x^{ℓ+1} = x^ℓ + Conv(W^ℓ, x^ℓ) with an N×N filter, C channels and weight variance σ_W, what is "
              "σ²_{ℓ+1} in terms of σ²_ℓ?",
              "σ²_{ℓ+1} = σ²_ℓ·(1 + N²·C·σ_W), σ_W being a variance; exact for circular padding without the seed's "
              "independence assumptions (only W^ℓ independent of x^ℓ with E[W] = 0: the two terms are uncorrelated).",
              "SMN"),
    ClaimInfo("residual.variance_closed_form", "Variance after l residual layers", (_s("003", "Problem 3", "b)"),),
              "With unit-variance inputs, what is σ²_ℓ as a function of σ_W and ℓ?",
              "σ²_ℓ = (1 + N²·C·σ_W)^ℓ.", "SMN"),
    ClaimInfo("residual.doubling_weight_variance", "The weight variance that doubles the signal over L layers",
              (_s("003", "Problem 3", "c)"),),
              "Using (1 + ε)^N ≈ e^{εN} (the seed reuses N, the filter size, for the exponent, which is the depth L), "
              "which σ_W gives σ²_L = 2, and how good is the approximation?",
              "σ_W = ln 2/(L·N²·C); the exact value (2^{1/L} − 1)/(N²·C) is larger by a relative ln 2/(2L) + O(1/L²) "
              "(44% at L = 1), so the approximate σ_W gives σ²_L = (1 + ln 2/L)^L = 2 − (ln 2)²/L + O(1/L²), "
              "slightly below 2.", "SM"),
    ClaimInfo("residual.gradient_variance", "Gradient variance through residual layers", (_s("003", "Problem 3", "d)"),),
              "With x^L.grad of zero mean and unit variance, what is the variance σ²_{ℓ,grad} of x^ℓ.grad?",
              "σ²_{ℓ,grad} = (1 + N²·C·σ_W)^{L−ℓ}, since x^ℓ.grad = x^{ℓ+1}.grad + Conv(W^ℓ)ᵀ(x^{ℓ+1}.grad); it needs "
              "x^L.grad independent of the weights, not independent components of x^{ℓ+1}.grad.", "SMN"),
    ClaimInfo("residual.weight_grad_limit", "The weight gradient as the weight variance tends to 0", (_s("003", "Problem 3", "e)"),),
              "What is lim_{σ_W→0} W^ℓ.grad in index notation in terms of x^L.grad, and is the limit well defined "
              "with an activation?",
              "Every layer tends to the identity, so x^ℓ → x^0 and x^ℓ.grad → x^L.grad, and W^ℓ.grad tends to the "
              "correlation Σ over batch and pixels of x^L.grad (output channel) with the shifted x^0 (input channel); "
              "with a ReLU around the convolution the mask 1[Conv(W^ℓ, x^ℓ) > 0] depends on the direction of W^ℓ, "
              "not on σ_W, so the limit is not well defined.", "SN"),
    ClaimInfo("residual.depth_training", "Deep plain nets against residual nets", (_s("002", "residual networks"),),
              "Do deeper plain networks train worse than shallower ones, and do residual networks of the same depth "
              "train?",
              "Yes: beyond some depth the training error of a plain network rises with depth (not overfitting, and "
              "not capacity: a zero-weight residual block and a plain ReLU block with W = I are identities), while a "
              "residual network of the same depth trains far better.", "N"),
    ClaimInfo("residual.gradient_uniformity", "Gradient statistics across the layers of a residual net",
              (_s("002", "residual networks"),),
              "Are the gradient statistics more uniform across the layers of a residual network than of a plain one?",
              "At initialisation, when the residual branches are small: through a linear layer of width n the "
              "gradient variance changes by 1 + nσ_W with a skip connection and by nσ_W without, so over L layers "
              "(1 + c)^L against c^L (c = nσ_W), the residual net the more uniform for c < (√5 − 1)/2; deep plain "
              "BN–ReLU nets' gradients grow towards the input, the residual nets' far less.", "MN"),
    # ---- Recurrent cell ---------------------------------------------------------------------------------
    ClaimInfo("ugrnn.split_matrices", "The UGRNN with split matrices", (_s("003", "Problem 2", "a)"),),
              "Rewrite the UGRNN with the concatenations [x^t, h^t] replaced by two matrix products.",
              "W^f[x^t, h^t] = W^{f,x}x^t + W^{f,h}h^t with W^f = [W^{f,x} W^{f,h}] split by columns, so "
              "f^t = σ(W^{f,x}x^t + W^{f,h}h^t + b^f) and d^t = tanh(W^{d,x}x^t + W^{d,h}h^t + b^d).", "SN"),
    ClaimInfo("ugrnn.index_form", "The UGRNN in index notation", (_s("003", "Problem 2", "b)"),),
              "Write the equations in explicit index notation with explicit sums and the batch index.",
              "f^t[b,i] = σ(Σⱼ W^{f,x}[i,j]x^t[b,j] + Σₖ W^{f,h}[i,k]h^t[b,k] + b^f[i]), d^t[b,i] likewise with "
              "tanh, and h^{t+1}[b,i] = f^t[b,i]h^t[b,i] + (1 − f^t[b,i])d^t[b,i].", "SN"),
    ClaimInfo("ugrnn.backward", "The UGRNN backward step", (_s("003", "Problem 2", "c)"),),
              "Give the index expressions that the backward method of h^{t+1} adds to f^t.grad, h^t.grad and "
              "d^t.grad.",
              "f^t.grad[b,i] += h^{t+1}.grad[b,i]·(h^t[b,i] − d^t[b,i]), h^t.grad[b,i] += h^{t+1}.grad[b,i]·f^t[b,i] "
              "and d^t.grad[b,i] += h^{t+1}.grad[b,i]·(1 − f^t[b,i]).", "SF"),
    # ---- Dropout, ensembles, activations, losses, transfer ----------------------------------------------
    ClaimInfo("dropout.inverted_scaling", "Inverted dropout", (_s("001", "dropout"), _s("004", "§4 Dropout")),
              "Why does training with mask/p (p the keep probability) need no scaling at test time, and what is the "
              "alternative?",
              "With a mask M ~ Bernoulli(p), E[M·h/p] = h, so the expected training activation equals the test "
              "activation; the alternative trains with the plain mask and multiplies by p at test time. PyTorch's "
              "p is the drop probability (scale 1/(1 − p_drop)). The match is per unit: through a ReLU the expected "
              "training output of a network differs from its test output.", "SMN"),
    ClaimInfo("ensemble.variance_reduction", "Variance of an ensemble average", (_s("004", "§3 Ensembles"),),
              "What is the variance of the average of N predictors with variance σ² and pairwise correlation ρ?",
              "ρσ² + (1 − ρ)σ²/N: averaging removes the uncorrelated part, and ρσ² remains however large N is; a "
              "valid correlation has −1/(N − 1) ≤ ρ ≤ 1. Bagging lowers ρ; boosting's members are not exchangeable, "
              "so the formula does not apply.", "SM"),
    ClaimInfo("relu.forward_backward_example", "Forward and backward pass of a ReLU layer",
              (_s("004", "Problem 6"),),
              "Compute y = ReLU(x) and dL/dx for the seed's 4×4 x and dL/dy.",
              "y = max(0, x) entry by entry and dL/dx = dL/dy where x > 0, 0 elsewhere; the seed's two matrices are "
              "right.", "N"),
    ClaimInfo("activations.relatives", "Leaky ReLU and ELU, forward and backward", (_s("004", "§6 ReLU relatives"),),
              "What are leaky ReLU and ELU and their derivatives?",
              "Leaky ReLU is x for x > 0 and s·x otherwise, with derivative 1 or s; ELU is x for x > 0 and α(eˣ − 1) "
              "otherwise, with derivative 1 or αeˣ = ELU(x) + α.", "F"),
    ClaimInfo("loss.softmax_ce_gradient", "Gradient of softmax cross-entropy", (_s("001", "multi-class loss"),),
              "What is the gradient of the cross-entropy of softmax(z) with respect to the logits z?",
              "∂l/∂z = softmax(z) − y for l = −Σⱼ yⱼ·log ŷⱼ with Σⱼ yⱼ = 1 (seed 001 writes the loss without its "
              "minus sign).", "SF"),
    ClaimInfo("transfer.freeze_vs_finetune", "Transfer: frozen against fine-tuned layers",
              (_s("002", "transfer learning", "Example 2"),),
              "How do n transferred layers that are frozen or fine-tuned compare with training from scratch?",
              "Fine-tuning the transferred layers matches or beats training from scratch, while freezing them loses "
              "accuracy as more layers are transferred (features co-adapted across the cut, or specific to the other "
              "task; frozen transfer trains only the P(n) = (L − 1 − n)(W + 1)W + (W + 1)C parameters above the "
              "cut), as in Yosinski et al. (2014).", "N"),
)

_BY_ID = {record.id: record for record in _RECORDS}
if len(_BY_ID) != len(_RECORDS):  # pragma: no cover - a typing error in the table above
    raise RuntimeError("a claim id appears twice in derivations.sources")


def claim_ids() -> tuple[str, ...]:
    """Every claim id of CLAIMS.md, in its order."""
    return tuple(_BY_ID)


def claim_infos() -> tuple[ClaimInfo, ...]:
    """Every claim record, in the order of CLAIMS.md; builds no derivation."""
    return _RECORDS


def info(claim_id: str) -> ClaimInfo:
    """The record of one claim; TypeError for a non-string, ValueError naming ``claim_id`` for an unknown id."""
    if not isinstance(claim_id, str):
        raise TypeError(f"claim_id must be a string, not {type(claim_id).__name__}")
    try:
        return _BY_ID[claim_id]
    except KeyError:
        raise ValueError(f"claim_id {claim_id!r} is unknown; `dlproofs list` shows the ids") from None
