# Per-link check times of derivations.steps (run from the checkout: PYTHONPATH=. python3 docs/feedback_timing.py).
# The chains are the worked examples (docs/feedback.md) and, per formula claim, its answer alternating with
# each catalogued wrong answer (every such link is invalid and gets a diagnosis).
import time, statistics, derivations
from derivations.mutants import CATALOGUE
from derivations.diagnosis import catalogue_expression
import sympy as sp
chains = {
 "init.preact_var": ['V[a]', 'E[a^2] - E[a]^2', 'n*E[w_1^2*x_1^2]', 'n*E[w_1^2]*(E[x_1^2] - E[x_1]^2)'],
 "init.preact_var ok": ["V[sum(w_i*x_i, i, 1, n)]", "E[a^2] - E[a]^2", "n*E[w_1^2]*E[x_1^2]", "n*v*chi"],
 "bn.input_gradient": ['gamma*dy/sqrt(var + eps) - gamma*sum_dy/(m*sqrt(var + eps)) - gamma*(x - mu)*sum_dy_xmu/(m*(var + eps)^(3/2))', 'gamma*dy/sqrt(var + eps) - gamma*sum_dy/(m*sqrt(var + eps)) - gamma*xhat*sum_dy_xhat/(m*sqrt(var + eps))', 'gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*sqrt(var + eps))', 'gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*(var + eps))'],
 "init.he_variance": ["alpha*n*v/2 = alpha", "n*v/2 = 1", "v = 2/n"],
 "init.glorot_compromise": ["(n_in*omega + n_out*omega)/2 = 1", "omega*(n_in + n_out) = 2", "omega = 1/(n_in + n_out)"],
 "init.preact_mean": ["E[a]", "sum(E[w_i*x_i], i, 1, n)", "sum(E[w_i]*E[x_i], i, 1, n)", "n*mu"],
}
# every formula claim: its answer, then each catalogued wrong answer (an invalid link with diagnosis)
from montecarlo.verify import example_candidate
for cid, e in CATALOGUE.items():
    ans = example_candidate(cid)
    if ans.startswith("[") or "Piecewise" in ans: continue
    wrong = [sp.sstr(catalogue_expression(cid, w[0])) for w in e["wrong"]]
    chains[cid + " mutants"] = [ans] + sum(([w, ans] for w in wrong), [])
times=[]; valid=[]; invalid=[]
for name, lines in chains.items():
    cid = name.split()[0]
    r = derivations.get(cid).check_steps(lines)
    for l in r.links:
        times.append(l.seconds); (valid if l.status=="valid" else invalid if l.status=="invalid" else []).append(l.seconds)
    print(f"{name:40s} links {len(r.links):2d}  " + " ".join(f"{l.status[0]}{l.seconds:.2f}" for l in r.links))
q = lambda xs: f"n={len(xs)} median {statistics.median(xs):.2f} s, 90% {sorted(xs)[int(0.9*len(xs))]:.2f} s, max {max(xs):.2f} s" if xs else "none"
print("all links:", q(times)); print("valid:", q(valid)); print("invalid (with diagnosis):", q(invalid))
