"""Independent reference numbers for tests/reference_numpy.rs, computed with numpy in float64.

Run: python3 scripts/reference/numpy_reference.py
The same inputs are written out in the Rust test; the printed numbers are pasted there.
BatchNorm follows PyTorch's semantics: biased variance to normalize, unbiased variance in the
running average, running = m * running + (1 - m) * batch with m = 0.9 (PyTorch momentum 0.1).
"""
import numpy as np

np.set_printoptions(precision=8, floatmode="maxprec", suppress=False)

# ---- BatchNorm, train then eval ----
x = np.array([[0.5, -1.2, 3.0], [1.5, 0.3, -0.7], [-0.2, 2.2, 1.1], [0.9, -0.4, 0.25]])
gamma = np.array([1.5, -0.5, 2.0])
beta = np.array([0.1, 0.2, -0.3])
dy = np.array([[0.3, -0.1, 0.5], [-0.7, 0.2, 0.05], [0.1, 0.4, -0.6], [0.25, -0.3, 0.9]])
eps, m = 1e-5, 0.9
B = x.shape[0]
mu = x.mean(0)
var = x.var(0)
inv = 1 / np.sqrt(var + eps)
xhat = (x - mu) * inv
y = gamma * xhat + beta
dgamma = (dy * xhat).sum(0)
dbeta = dy.sum(0)
dxhat = dy * gamma
dx = inv / B * (B * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))
rm = m * 0 + (1 - m) * mu
rv = m * 1 + (1 - m) * x.var(0, ddof=1)
print("bn_train_y", y.ravel().tolist())
print("bn_train_dx", dx.ravel().tolist())
print("bn_dgamma", dgamma.tolist())
print("bn_dbeta", dbeta.tolist())
print("bn_running_mean", rm.tolist())
print("bn_running_var", rv.tolist())
y_eval = gamma * (x - rm) / np.sqrt(rv + eps) + beta
dx_eval = dy * gamma / np.sqrt(rv + eps)
print("bn_eval_y", y_eval.ravel().tolist())
print("bn_eval_dx", dx_eval.ravel().tolist())

# ---- multiclass hinge loss, margin 1, mean over the batch ----
s = np.array([[1.0, 2.5, -0.3, 0.8], [0.2, -1.0, 0.7, 0.71], [3.0, 0.1, 0.2, -2.0]])
labels = np.array([1, 3, 0])
N = s.shape[0]
margins = np.maximum(0, s - s[np.arange(N), labels][:, None] + 1.0)
margins[np.arange(N), labels] = 0
loss = margins.sum() / N
ds = (margins > 0).astype(float)
ds[np.arange(N), labels] = -ds.sum(1)
ds /= N
print("hinge_loss", loss)
print("hinge_ds", ds.ravel().tolist())

# ---- maxout, k = 2 pieces per unit (pieces of unit u are columns 2u, 2u+1) ----
xm = np.array([[0.1, -0.5, 2.0, 1.0, -0.3, -0.2], [1.2, 1.5, -1.0, -2.0, 0.0, 0.4]])
ym = xm.reshape(2, 3, 2).max(2)
arg = xm.reshape(2, 3, 2).argmax(2)
dym = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
dxm = np.zeros((2, 3, 2))
for r in range(2):
    for u in range(3):
        dxm[r, u, arg[r, u]] = dym[r, u]
print("maxout_y", ym.ravel().tolist())
print("maxout_dx", dxm.ravel().tolist())

# ---- Adam on L = sum w^2 (gradient 2w), lr 0.1, betas (0.9, 0.999), eps 1e-8 ----
w = np.array([0.5, -1.0, 2.0])
mom = np.zeros(3)
vel = np.zeros(3)
for t in range(1, 4):
    g = 2 * w
    mom = 0.9 * mom + 0.1 * g
    vel = 0.999 * vel + 0.001 * g * g
    w = w - 0.1 * (mom / (1 - 0.9**t)) / (np.sqrt(vel / (1 - 0.999**t)) + 1e-8)
    print("adam_step", t, w.tolist())
