"""The mutation catalogue: typical wrong answers of each claim, with the slip named, and right rewrites.

Data only. For each claim with a formula answer, ``CATALOGUE[id]`` holds

- ``words``: what a symbol's vanishing (or a relation) means, in words, for the feedback
  ("mu": "the inputs had zero mean");
- ``defs``: names used in the formulas below (``target`` is always the derived target);
- ``wrong``: (formula, kind, detail, slip): a plausible wrong answer, the kind of difference
  ``derivations.diagnosis`` must find (one of its KINDS), the factor / term / substitution
  ("s -> value") it must name ("" when the kind says it all), and the slip in words;
- ``right``: formulas equal to the answer written differently (no diagnosis may be given).

``NOT_FORMULA[id]`` says in one line why a claim's answer is not a formula. Every registered claim is
in exactly one of the two tables (a test holds it); a claim whose entry is missing would still get the
generic diagnosis, steps and hints, only the named slips. ``python benchmarks/mutants_verify.py`` runs
every entry through ``montecarlo.verify`` (wrong answers rejected, rewrites accepted).
Formulas are SymPy text in the claim's candidate symbols; ``where(c, a, b)`` is a piecewise form.
"""
from __future__ import annotations

__all__ = ["CATALOGUE", "NOT_FORMULA"]

NOT_FORMULA = {
    "init.preact_symmetric": "its answer is yes/no (a is symmetric about zero); the derived E[a^3] = 0 is evidence, not the answer",
    "init.zero_init_symmetry": "its answer is a behaviour of training (every hidden gradient is zero), not a formula",
    "init.constant_init_symmetry": "its answer is a behaviour of training (units stay identical), not a formula",
    "bn.mahalanobis_form": "its answer is a proof of an identity for every batch; the target is one 3x2 instance",
    "bn.bias_invariance": "its answer is yes/no (the output does not depend on b)",
    "bn.layernorm_contrast": "its answer is a comparison in words (weight norm vs batch norm vs layer norm)",
    "bn.computation_graph": "its answer is a graph (dlproofs figures draws it)",
    "relu.forward_backward_example": "its answer is two numeric 4x4 matrices from the seed, not a formula",
    "symmetry.gradient_equivariance": "its answer is a vector identity (grad f(Bw) = B^-T grad f(w)); the target is one 2x2 instance whose entries mix all of B, where entrywise diagnosis names no slip",
    "symmetry.gd_preserves_invariance": "its answer is yes/no (B w1 = w1: the step keeps units 1 and 2 equal); the derived zero vector is evidence, not the answer",
    "residual.weight_grad_limit": "its answer is a limit statement (the weight gradient tends to a circular correlation of g and x); the target is one 3-entry instance indexed by shifts",
    "residual.depth_training": "its answer is an experiment (deep plain nets train worse than residual ones), not a formula",
    "ugrnn.split_matrices": "its answer is a rewriting in split weight matrices; the target is one 1x2 instance at B = I = H = 1..2, not a formula to diagnose",
    "ugrnn.index_form": "its answer is an index-notation rewriting; the target is one written-out entry with tanh as exponentials, where diagnosis names no useful slip",
}

_WHERE = "where"

CATALOGUE = {
    "init.preact_mean": {
        "words": {"mu": "the inputs had zero mean"},
        "wrong": [
            ("n*mu", "term", "n*mu", "took E[w_i] = 1 instead of 0 (dropped E[w_i] = 0)"),
            ("mu", "term", "mu", "forgot the sum over the n inputs and E[w_i] = 0"),
            ("n*v*chi", "term", "n*v*chi", "gave the variance V[a], not the mean"),
            ("n*v*mu", "term", "n*v*mu", "used V[w_i] = v where E[w_i] = 0 belongs"),
        ],
        "right": ["0", "n*0*mu", "n*mu - mu*n"],
    },
    "init.preact_var": {
        "words": {"mu": "the inputs had zero mean", "chi": "E[x_i^2]"},
        "wrong": [
            ("n*v*(chi - mu**2)", "substitution", "chi -> chi - mu**2",
             "the variance of x_i where its second moment chi belongs: right only for zero-mean inputs"),
            ("v*chi", "factor", "1/n", "dropped the sum over the n inputs"),
            ("n*v*chi/2", "factor", "1/2", "a ReLU's 1/2 where there is no ReLU"),
            ("sqrt(n*v*chi)", "root", "", "the standard deviation of a where its variance belongs"),
            ("n**2*v*chi", "factor", "n", "counted n^2 diagonal terms"),
            ("n*v*chi + n*(n - 1)*v*mu**2", "term", "n*v*mu**2*(n - 1)",
             "kept the off-diagonal terms: took E[w_1 w_2] = v instead of 0"),
            ("-n*v*chi", "sign", "", "wrong sign"),
        ],
        "right": ["chi*n*v", "n*(v*chi)", "n*v*(chi - mu**2) + n*v*mu**2"],
    },
    "init.relu_second_moment": {
        "wrong": [
            ("1", "factor", "2", "forgot that relu zeroes the negative half"),
            ("1/4", "square", "", "squared the 1/2"),
            ("sqrt(2)/2", "root", "", "the root mean square where the second moment belongs"),
            ("-1/2", "sign", "", "wrong sign"),
        ],
        "right": ["1/2", "0.5", "2/4"],
    },
    "init.variance_recursion": {
        "wrong": [
            ("n*v*alpha", "factor", "2", "forgot the 1/2 of the relu (E[relu(a)^2] = alpha/2)"),
            ("n*v*alpha/4", "factor", "1/2", "halved twice: (1/2)^2 from squaring relu(a)"),
            ("v*alpha/2", "factor", "1/n", "dropped the sum over the n units of the layer below"),
            ("sqrt(n*v*alpha/2)", "root", "", "a standard deviation where the variance belongs"),
        ],
        "right": ["n*v*alpha/2", "(n*v/2)*alpha", "alpha*n*v*0.5"],
    },
    "init.he_variance": {
        "wrong": [
            ("1/n", "factor", "1/2", "LeCun's 1/n: forgot that relu halves the second moment"),
            ("sqrt(2/n)", "root", "", "He's standard deviation sqrt(2/n) where the variance belongs"),
            ("n/2", "reciprocal", "", "solved n v / 2 = 1 upside down"),
            ("4/n", "factor", "2", "doubled the ReLU correction"),
            ("2/(n - 1)", "substitution", "n -> n - 1", "off by one in the fan-in"),
        ],
        "right": ["2/n", "2*n**(-1)", "1/(n/2)"],
    },
    "init.lecun_variance": {
        "wrong": [
            ("2/D_a", "factor", "2", "He's ReLU factor 2 where tanh is linear"),
            ("1/sqrt(D_a)", "root", "", "the standard deviation where the variance belongs"),
            ("D_a", "reciprocal", "", "solved D_a V[W] = 1 upside down"),
            ("1/D_a**2", "square", "", "squared the fan-in"),
        ],
        "right": ["1/D_a", "D_a**(-1)", "2/(2*D_a)"],
    },
    "init.glorot_forward": {
        "wrong": [
            ("n*omega*chi/2", "factor", "1/2", "a ReLU's 1/2 where tanh is linear"),
            ("omega*chi", "factor", "1/n", "dropped the sum over the n_{k-1} inputs"),
            ("n*omega", "factor", "1/chi", "dropped V[x^{k-1}]"),
            ("sqrt(n*omega*chi)", "root", "", "a standard deviation where the variance belongs"),
        ],
        "right": ["n*omega*chi", "omega*(n*chi)"],
    },
    "init.glorot_backward": {
        "wrong": [
            ("n*omega*nabla/2", "factor", "1/2", "a ReLU's 1/2 where tanh is linear"),
            ("omega*nabla", "factor", "1/n", "dropped the sum over the n_{k+1} units above"),
            ("n*omega", "factor", "1/nabla", "dropped V[nabla^{k+1}]"),
            ("-n*omega*nabla", "sign", "", "wrong sign"),
        ],
        "right": ["n*omega*nabla", "nabla*n*omega"],
    },
    "init.glorot_compromise": {
        "wrong": [
            ("1/n_in", "substitution", "n_out -> n_in", "the forward condition alone (LeCun)"),
            ("1/n_out", "substitution", "n_in -> n_out", "the backward condition alone"),
            ("1/(n_in + n_out)", "factor", "1/2", "dropped the 2 of the harmonic mean"),
            ("sqrt(2/(n_in + n_out))", "root", "",
             "a standard deviation where the variance belongs (seed 001 writes the variance in its place)"),
        ],
        "right": ["2/(n_out + n_in)", "1/((n_in + n_out)/2)"],
    },
    "init.linear_unit_variance": {
        "wrong": [
            ("1/sqrt(d)", "root", "", "sigma taken as a standard deviation; here it is a variance"),
            ("2/d", "factor", "2", "He's ReLU factor 2 where there is no ReLU"),
            ("d", "reciprocal", "", "solved d sigma = 1 upside down"),
            ("1/d**2", "square", "", "squared the width"),
        ],
        "right": ["1/d", "d**(-1)"],
    },
    "init.shifted_relu_variance": {
        "wrong": [
            ("2/d", "factor", "(pi - 1)/pi", "part a's answer: forgot that the shift removes E[relu(s)]^2"),
            ("pi/(d*(pi - 1))", "factor", "1/2", "dropped the relu's 1/2"),
            ("-2*pi/(d*(pi - 1))", "sign", "", "wrong sign"),
            ("sqrt(2*pi/(d*(pi - 1)))", "root", "", "a standard deviation where the variance belongs"),
        ],
        "right": ["2*pi/(d*pi - d)", "2/(d*(1 - 1/pi))"],
    },
    "init.vanishing_chain": {
        "wrong": [
            ("c**(L - 1)", "power", "L -> L - 1", "the gradient's power L-1 where the output's L belongs"),
            ("c**(L + 1)", "power", "L -> L + 1", "counted one matrix too many"),
            ("L*c**(L - 1)", "factor", "L/c", "differentiated c^L in c"),
            ("-c**L", "sign", "", "wrong sign"),
        ],
        "right": ["c**L", "c*c**(L - 1)"],
    },
    "init.node_statistics": {
        "wrong": [
            ("chi_0*(n*v/2)**k", "factor", "1/2", "a relu halving also at the first layer, whose input is x itself"),
            ("chi_0*n*v*(n*v/2)**k", "power", "k -> k + 1", "one layer too many"),
            ("chi_0*n*v*(n*v/2)**(k - 2)", "power", "k -> k - 1", "one layer too few"),
            ("-chi_0*n*v*(n*v/2)**(k - 1)", "sign", "", "wrong sign"),
        ],
        "right": ["2*chi_0*(n*v/2)**k", "chi_0*n*v*(n*v)**(k - 1)/2**(k - 1)"],
    },
    "bn.scale_invariance": {
        "wrong": [
            ("y_i", "substitution", "gamma -> y_i", "unchanged for every c: forgot that c < 0 reflects"),
            ("y_i*c/Abs(c)", "term", "gamma*(c - Abs(c))/Abs(c)", "flipped the shift gamma with the output"),
            ("-c*(y_i - gamma)/Abs(c) + gamma", "points", "",
             "reflected for c > 0 and not for c < 0"),
            ("c*(y_i - gamma)/Abs(c)", "term", "-gamma", "dropped the shift gamma"),
            ("c*(y_i - gamma)/Abs(c) - gamma", "term", "-2*gamma", "subtracted the shift gamma"),
        ],
        "right": ["sign(c)*(y_i - gamma) + gamma", "(c*y_i + gamma*Abs(c) - c*gamma)/Abs(c)"],
    },
    "bn.output_stats_at_init": {
        "wrong": [
            ("0", "term", "-1", "gave the batch mean where its standard deviation is asked"),
            ("sqrt(3/2)", "factor", "sqrt(6)/2", "the unbiased variance (divide by m - 1 = 2) of the normalised batch"),
            ("-1", "sign", "", "wrong sign"),
            ("1/3", "factor", "1/3", "divided by the batch size once more"),
        ],
        "right": ["1", "3/3"],
    },
    "bn.identity_init": {
        "wrong": [
            ("target**2", "square", "", "the variance sigma_B^2 where sigma_B belongs"),
            ("1/target", "reciprocal", "", "divided by sigma_B where it should multiply"),
            ("-target", "sign", "", "wrong sign"),
            ("target*sqrt(3/2)", "factor", "sqrt(6)/2", "scaled by sqrt(m/(m-1)) (unbiased normaliser, m = 3)"),
        ],
        "right": ["sqrt(2*(a1**2 + a2**2 + a3**2 - a1*a2 - a1*a3 - a2*a3) + 9*epsilon)/3",
                  "sqrt(((a1 - a2)**2 + (a1 - a3)**2 + (a2 - a3)**2)/9 + epsilon)"],
    },
    "bn.reparametrization": {
        "wrong": [
            ("gamma*(b - mu_B)/sigma_B", "term", "-beta", "dropped the shift beta"),
            ("gamma*b/sigma_B + beta", "term", "gamma*mu_B/sigma_B", "did not subtract the batch mean from b"),
            ("gamma*(b + mu_B)/sigma_B + beta", "substitution", "mu_B -> -mu_B", "added the batch mean"),
            ("-(b*gamma + beta*sigma_B - gamma*mu_B)/sigma_B", "sign", "", "wrong sign"),
        ],
        "right": ["gamma*(b - mu_B)/sigma_B + beta", "beta + gamma*b/sigma_B - gamma*mu_B/sigma_B"],
    },
    "bn.train_eval": {
        "words": {"B": "the batch were infinitely large"},
        "wrong": [
            ("s2 + (1 - m)**(t - 1)*(1 - s2)", "power", "t -> t - 1", "counted one update too few"),
            ("s2 + (1 - m)**(t + 1)*(1 - s2)", "power", "t -> t + 1", "counted one update too many"),
            ("-(s2 + (1 - m)**t*(1 - s2))", "sign", "", "wrong sign"),
            ("s2*(B - 1)/B + (1 - m)**t*(1 - s2*(B - 1)/B)", "substitution", "s2 -> s2*(B - 1)/B",
             "the biased batch variance in the running estimate (PyTorch stores the unbiased one)"),
        ],
        "right": ["(1 - m)**t + s2*(1 - (1 - m)**t)", "1 - (1 - (1 - m)**t)*(1 - s2)"],
    },
    "bn.param_gradients": {
        "wrong": [
            ("target/4", "factor", "1/4", "averaged over the batch of 4 instead of summing"),
            ("-target", "sign", "", "wrong sign"),
            ("4*target", "factor", "4", "multiplied by the batch size"),
            ("target/3", "factor", "1/3", "averaged over m - 1 = 3 instead of summing"),
        ],
        "right": ["target*1", "2*target - target"],
    },
    "bn.input_gradient": {
        "wrong": [
            ("gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/sqrt(eps + var)", "factor", "m", "dropped the 1/m"),
            ("gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*sqrt(var))", "substitution", "eps -> 0",
             "dropped eps inside the root"),
            ("-gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*sqrt(eps + var))", "sign", "", "wrong sign"),
            ("gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(2*m*sqrt(eps + var))", "factor", "1/2",
             "an extra 1/2 from differentiating the square root twice"),
        ],
        "right": ["gamma/(m*sqrt(var + eps))*(m*dy - sum_dy - xhat*sum_dy_xhat)",
                  "gamma*dy/sqrt(var + eps) - gamma*(sum_dy + xhat*sum_dy_xhat)/(m*sqrt(var + eps))"],
    },
    "optim.l2_gradient": {
        "wrong": [
            ("alpha*w", "factor", "1/2", "forgot the factor 2 of d(w^2)/dw"),
            ("-2*alpha*w", "sign", "", "the descent step -2 alpha w where the gradient belongs"),
            ("alpha*w**2", "factor", "w/2", "wrote the penalty alpha w^2 where its gradient belongs"),
            ("alpha*w/2", "factor", "1/4", "read seed 001's alpha as seed 000's lambda and halved it again (lambda/2)"),
            ("4*alpha*w", "factor", "2", "doubled twice: the 2 of d(w^2)/dw and again lambda = 2 alpha"),
        ],
        "right": ["2*w*alpha", "alpha*(w + w)", "2*(alpha*w)"],
    },
    "optim.momentum_data_only": {
        "wrong": [
            ("theta - lr*(g + momentum*v)", "term", "lam*lr*theta",
             "dropped the exact weight-decay gradient lam*theta from the step"),
            ("theta + lr*(g + lam*theta + momentum*v)", "substitution", "lr -> -lr", "stepped up the gradient"),
            ("theta - lr*(g + lam*theta + v)", "term", "lr*v*(momentum - 1)", "forgot to decay the buffer by momentum"),
            ("theta - lr*(g + momentum*v) - lam*theta", "term", "lam*theta*(lr - 1)",
             "added lam*theta without the learning rate"),
        ],
        "right": ["theta*(1 - lr*lam) - lr*(momentum*v + g)", "theta - lr*g - lr*lam*theta - lr*momentum*v"],
    },
    "optim.momentum_equivalence": {
        "wrong": [
            ("[[lr], [momentum], [lam]]", "factor", "1/(1 - lam*lr)", "the naive mapping: the same lr, momentum and lam"),
            ("[[lr], [momentum*(1 - lam*lr)], [lam]]", "factor", "1/(1 - momentum)",
             "kept lam as the weight decay: forgot its (1 - momentum) correction"),
            ("[[lr], [momentum], [lam*(1 - momentum)]]", "factor", "1/(1 - lam*lr)",
             "kept the momentum: forgot that the decay shrinks the buffer by (1 - lr lam)"),
            ("[[lr], [momentum*(1 + lam*lr)], [lam*(1 - momentum)]]", "substitution", "lam -> -lam",
             "momentum (1 + lr lam): the sign of the decay's shrinkage flipped"),
            ("[[lr*(1 - momentum)], [momentum*(1 - lam*lr)], [lam*(1 - momentum)]]", "substitution",
             "lr -> lr*(1 - momentum)", "mixed the conventions: the exponential average's damped lr in PyTorch's mapping"),
        ],
        "right": ["[[lr], [momentum - momentum*lam*lr], [lam - lam*momentum]]",
                  "[[lr], [momentum*(1 - lr*lam)], [(1 - momentum)*lam]]"],
    },
    "mixup.ce_linear_in_target": {
        "wrong": [
            ("l1*(1 - lam) + l2*lam", "substitution", "lam -> 1 - lam", "swapped the weights: lam belongs to y1"),
            ("lam*(l1 + l2)", "term", "l2*(2*lam - 1)", "the weight lam on both losses"),
            ("l1*lam + l2", "term", "l2*lam", "dropped the 1 - lam of the second loss"),
            ("l1*lam - l2*(1 - lam)", "substitution", "l2 -> -l2", "subtracted the second loss"),
            ("(l1 + l2)/2", "points", "", "the plain average: forgot the weights lam, 1 - lam"),
        ],
        "right": ["l2 + lam*(l1 - l2)", "lam*l1 - lam*l2 + l2"],
    },
    "mixup.label_free_form": {
        "wrong": [
            ("lam", "factor", "1/2", "forgot to add the swapped second half: lam where lam + lam belongs"),
            ("2*(1 - lam)", "substitution", "lam -> 1 - lam", "the weight of the other label: 1 - lam where lam belongs"),
            ("4*lam", "factor", "2", "counted the swapped term twice"),
            ("1", "factor", "1/(2*lam)", "kept the unweighted loss: forgot that the target's weight lam stays"),
        ],
        "right": ["lam + lam", "4*lam/2"],
    },
    "mixup.beta_identity": {
        "wrong": [
            ("lam", "factor", "1/2", "cancelled the Gamma functions without Gamma(2 alpha + 1) = 2 alpha Gamma(2 alpha)"),
            ("2*(1 - lam)", "substitution", "lam -> 1 - lam", "swapped the Beta: the ratio for Be(alpha, alpha + 1)"),
            ("2*alpha*lam", "factor", "alpha", "did not cancel Gamma(alpha + 1) = alpha Gamma(alpha)"),
            ("(2*alpha + 1)*lam/alpha", "substitution", "lam -> lam + lam/(2*alpha)",
             "Gamma(2 alpha + 1) = (2 alpha + 1) Gamma(2 alpha): off by one in the Gamma recursion"),
            ("lam/(1 - lam)", "factor", "1/(2*(1 - lam))", "took the ratio of the two kernels without the constants, "
             "and the powers of 1 - lam as not cancelling"),
        ],
        "right": ["lam + lam", "2*lam*alpha/alpha"],
    },
    "mixup.simplified_objective": {
        "wrong": [
            ("lam**(alpha - 1)*(1 - lam)**alpha*gamma(2*alpha + 1)/(gamma(alpha)*gamma(alpha + 1))", "substitution",
             "lam -> 1 - lam", "swapped the Beta: Be(alpha, alpha + 1) where Be(alpha + 1, alpha) belongs"),
            ("lam**alpha*(1 - lam)**(alpha - 1)*gamma(2*alpha)/gamma(alpha)**2", "factor", "1/2",
             "Be(alpha, alpha) times lam: dropped the factor 2"),
            ("lam**(alpha - 1)*(1 - lam)**(alpha - 1)*gamma(2*alpha)/gamma(alpha)**2", "factor", "1/(2*lam)",
             "kept Be(alpha, alpha): forgot the reweighting by 2 lam"),
            ("lam**alpha*(1 - lam)**(alpha - 1)*gamma(2*alpha + 1)/gamma(alpha + 1)**2", "factor", "1/alpha",
             "the normaliser Gamma(alpha + 1)^2 where Gamma(alpha + 1) Gamma(alpha) belongs"),
        ],
        "right": ["2*lam*lam**(alpha - 1)*(1 - lam)**(alpha - 1)*gamma(2*alpha)/gamma(alpha)**2",
                  "lam**alpha*(1 - lam)**(alpha - 1)*2*alpha*gamma(2*alpha)/(alpha*gamma(alpha)**2)"],
    },
    "residual.variance_recursion": {
        "wrong": [
            ("sigma2_l*(1 + C*N*sigma_W)", "substitution", "N -> sqrt(N)",
             "N in place of N**2: counted the N x N kernel as N taps"),
            ("sigma2_l*C*N**2*sigma_W", "term", "-sigma2_l", "dropped the identity branch: a plain convolution's variance"),
            ("sigma2_l*(1 + C*N**2*sigma_W**2)", "substitution", "sigma_W -> sigma_W**2",
             "read sigma_W as a standard deviation and squared it: it is the weight variance"),
            ("sigma2_l*(1 + N**2*sigma_W)", "term", "-N**2*sigma2_l*sigma_W*(C - 1)",
             "dropped the sum over the C input channels"),
            ("sqrt(sigma2_l*(1 + C*N**2*sigma_W))", "root", "", "a standard deviation where the variance belongs"),
        ],
        "right": ["sigma2_l + C*N**2*sigma_W*sigma2_l", "sigma2_l*(1 + sigma_W*C*N*N)"],
    },
    "residual.variance_closed_form": {
        "wrong": [
            ("(1 + C*N**2*sigma_W)**(l - 1)", "power", "l -> l - 1", "counted one layer too few"),
            ("(1 + C*N**2*sigma_W)**(l + 1)", "power", "l -> l + 1", "counted one layer too many"),
            ("(1 + C*N*sigma_W)**l", "substitution", "N -> sqrt(N)", "N in place of N**2: the kernel's area is N**2"),
            ("1 + l*C*N**2*sigma_W", "term", "C*N**2*l*sigma_W - (C*N**2*sigma_W + 1)**l + 1",
             "the first-order expansion 1 + l eps passed off as exact"),
            ("(1 + C*N**2*sigma_W)**(2*l)", "square", "", "squared the product: a variance of a variance"),
        ],
        "right": ["(1 + C*N**2*sigma_W)**l*1", "(1 + sigma_W*C*N*N)**l"],
    },
    "residual.doubling_weight_variance": {
        "wrong": [
            ("log(2)/(C*L*N)", "factor", "N", "N in place of N**2: the kernel's area is N**2"),
            ("log(2)/(C*(L - 1)*N**2)", "substitution", "L -> L - 1", "L - 1 layers where the signal passes L"),
            ("1/(C*L*N**2)", "factor", "1/log(2)", "solved e^(eps L) = e: dropped the ln 2"),
            ("2/(C*L*N**2)", "factor", "2/log(2)", "solved eps L = 2: the doubling without the logarithm"),
            ("log(2)/(C*N**2)", "factor", "L", "doubled over one layer: forgot the depth L"),
        ],
        "right": ["log(2)/(L*N**2*C)", "log(4)/(2*C*L*N**2)"],
    },
    "residual.gradient_variance": {
        "wrong": [
            ("(1 + C*N**2*sigma_W)**(L - l - 1)", "power", "L -> L - 1", "counted one layer too few"),
            ("(1 + C*N**2*sigma_W)**(L - l + 1)", "power", "L -> L + 1", "counted one layer too many"),
            ("(1 + C*N**2*sigma_W)**(l - L)", "reciprocal", "", "the gradient shrinking backwards: the power upside down"),
            ("(1 + C*N*sigma_W)**(L - l)", "substitution", "N -> sqrt(N)", "N in place of N**2: the kernel's area is N**2"),
        ],
        "right": ["(1 + C*N**2*sigma_W)**L/(1 + C*N**2*sigma_W)**l", "(1 + sigma_W*C*N*N)**(L - l)"],
    },
    "residual.gradient_uniformity": {
        "wrong": [
            ("n*sigma_W", "term", "-1", "dropped the identity: the plain layer's ratio"),
            ("1 + sigma_W", "term", "-sigma_W*(n - 1)", "dropped the sum over the n units"),
            ("1 + n**2*sigma_W", "substitution", "n -> n**2", "counted n^2 terms in a sum over n"),
            ("(1 + n*sigma_W)**2", "square", "", "squared the ratio: the standard deviations' ratio read as variances'"),
            ("1 + n*sigma_W**2", "substitution", "sigma_W -> sigma_W**2",
             "read sigma_W as a standard deviation and squared it: it is the weight variance"),
            ("1 - n*sigma_W", "substitution", "n -> -n", "wrong sign on the branch's term"),
        ],
        "right": ["sigma_W*n + 1", "(n*sigma_W*2 + 2)/2"],
    },
    "ugrnn.backward": {
        "wrong": [
            ("[[g*(d - h)], [f*g], [g*(1 - f)]]", "sign", "", "differentiated f h + (1 - f) d in f as d - h"),
            ("[[g*(h - d)], [g*(1 - f)], [f*g]]", "substitution", "f -> 1 - f",
             "swapped the gates: h is kept with f, d enters with 1 - f"),
            ("[[h - d], [f], [1 - f]]", "factor", "1/g", "forgot the upstream gradient g of the chain rule"),
            ("[[g*(h - d)], [f*g], [-f*g]]", "substitution", "f -> f + 1", "dropped the 1 of 1 - f"),
            ("[[g*h], [f*g], [g*(1 - f)]]", "term", "d*g", "forgot that f also reaches d through 1 - f"),
        ],
        "right": ["[[g*h - g*d], [g*f], [g - g*f]]", "[[-g*(d - h)], [f*g], [-g*(f - 1)]]"],
    },
    "dropout.inverted_scaling": {
        "wrong": [
            ("p", "reciprocal", "", "multiplied by the keep probability (the test-time rule) instead of dividing"),
            ("1/(1 - p)", "substitution", "p -> 1 - p",
             "PyTorch's 1/(1 - p) read with the keep probability: 1 - p is the drop probability"),
            ("1/p**2", "square", "", "matched the second moment E[(M/p)^2] instead of the mean"),
            ("1/sqrt(p)", "root", "", "matched the variance: scaled by 1/sqrt(p) (a standard deviation's scale)"),
            ("1/(2*p)", "factor", "1/2", "took p = 1/2 into the scale once more"),
        ],
        "right": ["p**(-1)", "(1 - p)/p + 1", "2/(2*p)"],
    },
    "ensemble.variance_reduction": {
        "words": {"rho": "the members were uncorrelated"},
        "wrong": [
            ("sigma2/N", "factor", "1/(1 + (N - 1)*rho)", "sigma^2/N for correlated members: the independent case"),
            ("rho*sigma2", "term", "sigma2*(rho - 1)/N", "the limit N -> oo passed off as the answer"),
            ("sigma2*(1 + (N - 1)*rho)/N**2", "factor", "1/N",
             "V[sum] written sigma^2 (1 + (N - 1) rho): dropped the N of the N members"),
            ("sqrt(sigma2*(1 + (N - 1)*rho)/N)", "root", "", "a standard deviation where the variance belongs"),
            ("sigma2*(1 + N*rho)/N", "term", "rho*sigma2/N", "N rho where N - 1 other members correlate: counted each with itself"),
            ("sigma2*(1 - (N - 1)*rho)/N", "substitution", "rho -> -rho", "subtracted the covariances"),
        ],
        "right": ["rho*sigma2 + (1 - rho)*sigma2/N", "sigma2*(1 + (N - 1)*rho)/N"],
    },
    "activations.relatives": {
        "words": {"alpha": "alpha"},
        "wrong": [
            ("where(x > 0, 1, exp(x))", "term", "where(x > 0, 0, (1 - alpha)*exp(x))", "dropped the ELU's alpha"),
            ("where(x > 0, 1, -alpha*exp(x))", "term", "where(x > 0, 0, -2*alpha*exp(x))",
             "wrong sign on the negative side"),
            ("where(x > 0, -1, -alpha*exp(x))", "sign", "", "wrong sign"),
            ("where(x > 0, 2, 2*alpha*exp(x))", "factor", "2", "doubled"),
        ],
        "right": ["where(x > 0, 1, alpha*exp(x))", "where(x <= 0, alpha*exp(x), 1)"],
    },
    "loss.softmax_ce_gradient": {
        "defs": {"S": "exp(z1) + exp(z2) + exp(z3)"},
        "wrong": [
            ("-target", "sign", "", "y - softmax(z): the loss written without its minus sign (seed 001)"),
            ("[exp(z1)/S, exp(z2)/S, exp(z3)/S]", "term", "y1", "dropped the -y: the gradient of log-sum-exp alone"),
            ("[exp(z1)/S - y1, exp(z2)/S - y2, exp(z3)/S - y1]", "term", "1 - 2*y1 - y2",
             "used y1 where y3 = 1 - y1 - y2 belongs"),
            ("2*target", "factor", "2", "doubled"),
        ],
        "right": ["[exp(z1)/S - y1, exp(z2)/S - y2, exp(z3)/S - (1 - y1 - y2)]",
                  "[1/(1 + exp(z2 - z1) + exp(z3 - z1)) - y1, 1/(1 + exp(z1 - z2) + exp(z3 - z2)) - y2, "
                  "1/(1 + exp(z1 - z3) + exp(z2 - z3)) - 1 + y1 + y2]"],
    },
    "transfer.freeze_vs_finetune": {
        "wrong": [
            ("(L - n)*(W + 1)*W + (W + 1)*C", "substitution", "L -> L + 1",
             "L - n hidden layers where L - 1 - n trained ones lie below the output layer"),
            ("(L - 1 - n)*W**2 + W*C", "term", "-C - L*W + W*n + W", "forgot the biases (W + 1 parameters per unit)"),
            ("(L - 1 - n)*(W + 1)*W", "term", "-C*(W + 1)", "forgot the output layer's (W + 1) C parameters"),
            ("(L - 1)*(W + 1)*W + (W + 1)*C", "term", "W*n*(W + 1)",
             "did not subtract the n frozen layers: counted what fine-tuning trains"),
        ],
        "right": ["(L - 1 - n)*(W + 1)*W + (W + 1)*C", "(W + 1)*(W*(L - 1 - n) + C)"],
    },
}
