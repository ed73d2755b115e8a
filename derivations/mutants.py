"""The mutation catalogue: typical wrong answers of each claim, with the slip named, and right rewrites.

Data only. For each claim with a formula answer, ``CATALOGUE[id]`` holds

- ``words``: what a symbol's vanishing (or a relation) means, in words, for the feedback
  ("mu": "the inputs had zero mean");
- ``defs``: names used in the formulas below (``target`` is always the derived target);
- ``wrong``: (formula, kind, detail, slip): a plausible wrong answer, the kind of difference
  ``derivations.diagnosis`` must find (one of its KINDS), the factor / term / substitution
  ("s -> value") it must name ("" when the kind says it all), and the slip in words;
- ``right``: formulas equal to the answer written differently (no diagnosis may be given).

``NOT_FORMULA[id]`` says in one line why a claim's answer is not a formula. Claims in neither
table (added later) still get the generic diagnosis, steps and hints; only the named slips are missing.
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
}
