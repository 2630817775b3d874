"""Reference numbers for tests/group_norm.rs: torch.nn.GroupNorm on a fixed input.

Run: python3 scripts/reference/pytorch_groupnorm.py   (needs torch; `pip install torch`)
Float64, eps = 1e-5 (Overfit's NORM_EPS). For G = 2 and G = 4 groups of 12 units and 3 samples
(groups of 6 and 3 units: with groups of 2, xhat is +-1 and dx nearly 0, a weak check) it
prints the output y, the input gradient dx of L = sum(y * dy), and dL/dgamma, dL/dbeta, to be
pasted into the Rust test.
"""
import torch

x = torch.tensor([
    [0.5, -1.2, 3.0, 0.7, -0.3, 1.8, -2.1, 0.05, 1.25, -0.6, 0.4, 2.6],
    [1.5, 0.3, -0.7, 2.4, -1.6, 0.9, 0.2, -0.45, -1.1, 0.75, 3.2, -0.35],
    [-0.2, 2.2, 1.1, -0.8, 0.6, -1.4, 1.3, 0.35, 0.0, -2.5, 0.85, 1.7],
], dtype=torch.float64)
gamma = torch.tensor([1.5, -0.5, 2.0, 0.8, 1.1, 0.3, -1.2, 0.9, 0.6, 1.3, -0.7, 1.0], dtype=torch.float64)
beta = torch.tensor([0.1, 0.2, -0.3, 0.0, 0.5, -0.25, 0.15, -0.05, 0.35, -0.4, 0.0, 0.2], dtype=torch.float64)
dy = torch.tensor([
    [0.3, -0.1, 0.5, 0.2, -0.4, 0.05, 0.6, -0.2, 0.15, -0.35, 0.25, 0.1],
    [-0.7, 0.2, 0.05, -0.3, 0.25, 0.4, -0.15, 0.1, 0.45, 0.0, -0.2, 0.3],
    [0.1, 0.4, -0.6, 0.35, 0.0, -0.5, 0.2, 0.45, -0.25, 0.3, 0.55, -0.1],
], dtype=torch.float64)
for groups in (2, 4):
    gn = torch.nn.GroupNorm(groups, 12, eps=1e-5, affine=True).double()
    with torch.no_grad():
        gn.weight.copy_(gamma)
        gn.bias.copy_(beta)
    xi = x.clone().requires_grad_(True)
    y = gn(xi)
    (y * dy).sum().backward()
    print(f"G={groups} y", [round(v, 10) for v in y.detach().ravel().tolist()])
    print(f"G={groups} dx", [round(v, 10) for v in xi.grad.ravel().tolist()])
    print(f"G={groups} dgamma", [round(v, 10) for v in gn.weight.grad.tolist()])
    print(f"G={groups} dbeta", [round(v, 10) for v in gn.bias.grad.tolist()])
