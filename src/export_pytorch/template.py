#%= header

import argparse
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

OVERFIT_VERSION = "{{version}}"

# The exported configuration, with Overfit's field names. Numbers (learning rate, epochs, dropout,
# widths...) and the layer and loss choices can be edited here; to change the dataset kind, export
# again from Overfit, because the data code below was generated for this one.
#%= config

# ============================================================================================
# Overfit's random generator, bit for bit
# ============================================================================================
# Overfit draws every random number of a run (data, split, initial weights, bootstrap
# resamples, batch order, augmentation) from one seeded PCG32 generator split into named
# streams. Porting it means the same seed gives the same data, the same split, the same initial
# weights and the same batch order here as in Overfit. Only dropout masks come from PyTorch's
# own generator (seeded from the same seed), so runs with dropout differ in their masks.

MASK64 = (1 << 64) - 1
PCG_MULTIPLIER = 6364136223846793005

# Stream numbers, as in Overfit's train.rs: the data stream, then one stream per ensemble
# member, then the batch order and the augmentation.
STREAM_DATA = 1
STREAM_ORDER = 2
STREAM_AUGMENT = 3
STREAM_MEMBER = 100


def f32(x):
    """Rounds a Python float to the nearest 32-bit float, as Overfit stores every real number."""
    return struct.unpack("f", struct.pack("f", x))[0]


def round_half_away(x):
    """Rust's round(): halves go away from zero (Python's round() goes to the even neighbour)."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


class Pcg32:
    """PCG32 (O'Neill 2014): a 64-bit LCG state s' = a s + inc with the XSH-RR output function."""

    def __init__(self, seed, stream=0):
        self.state = 0
        self.inc = ((stream << 1) | 1) & MASK64
        self.spare = None  # The second Box-Muller value, kept for the next normal().
        self.next_u32()
        self.state = (self.state + seed) & MASK64
        self.next_u32()

    def fork(self, stream):
        """A child generator for a named purpose: its seed is the next 64 bits of this one."""
        high = self.next_u32()
        low = self.next_u32()
        return Pcg32((high << 32) | low, stream)

    def next_u32(self):
        old = self.state
        self.state = (old * PCG_MULTIPLIER + self.inc) & MASK64
        # XSH-RR: xorshift the high bits down, then rotate right by the top 5 bits.
        x = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((x >> rot) | (x << (-rot & 31))) & 0xFFFFFFFF

    def uniform(self):
        """Uniform in [0, 1) with 24 bits of precision."""
        return (self.next_u32() >> 8) * (1.0 / 16777216.0)

    def range(self, lo, hi):
        """Uniform in [lo, hi)."""
        return lo + (hi - lo) * self.uniform()

    def below(self, n):
        """Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject)."""
        m = self.next_u32() * n
        if (m & 0xFFFFFFFF) < n:
            threshold = ((1 << 32) - n) % n
            while (m & 0xFFFFFFFF) < threshold:
                m = self.next_u32() * n
        return m >> 32

    def normal(self):
        """Standard normal by Box-Muller: z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1]."""
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        u1 = ((self.next_u32() >> 8) + 1.0) * (1.0 / 16777217.0)
        u2 = (self.next_u32() >> 8) * (1.0 / 16777216.0)
        r = math.sqrt(-2.0 * math.log(u1))
        theta = 2.0 * math.pi * u2
        self.spare = f32(r * math.sin(theta))
        return f32(r * math.cos(theta))

    def shuffle(self, items):
        """Fisher-Yates shuffle in place."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


#% if toy2d
# ============================================================================================
# The 2D toy datasets (Overfit's src/data/toy2d.rs)
# ============================================================================================
# Classes take turns, so every class gets n / classes points; t in [0, 1] is the position of a
# point within its class. Each function returns one point (x, y) of class c.


def spiral_point(c, t, classes, noise, rng):
    # The cs231n spiral: the radius grows from 0 to 1 while the arm turns through 4 radians;
    # arms are offset by 2 pi / classes; the angle gets Gaussian noise of std 2 * noise.
    theta = 4.0 * t + c * 2.0 * math.pi / classes + rng.normal() * 2.0 * noise
    return t * math.sin(theta), t * math.cos(theta)


def circles_point(c, t, classes, noise, rng):
    # Class 0 is a disc of radius 0.5, class 1 a ring from 0.7 to 1.0; coordinate noise of
    # std 0.25 * noise.
    angle = rng.range(0.0, 2.0 * math.pi)
    r = rng.range(0.0, 0.5) if c == 0 else rng.range(0.7, 1.0)
    x = r * math.cos(angle) + 0.25 * noise * rng.normal()
    y = r * math.sin(angle) + 0.25 * noise * rng.normal()
    return x, y


def xor_point(c, t, classes, noise, rng):
    # Uniform in the square with the label [x y < 0]; points are pushed 0.05 away from the axes,
    # the sign of y is flipped to get the wanted class, then noise of std 0.25 * noise.
    ax = rng.range(-1.0, 1.0)
    ay = rng.range(-1.0, 1.0)
    ax += 0.05 * math.copysign(1.0, ax)
    ay += 0.05 * math.copysign(1.0, ay)
    if int(ax * ay < 0.0) != c:
        ay = -ay
    return ax + 0.25 * noise * rng.normal(), ay + 0.25 * noise * rng.normal()


def blobs_point(c, t, classes, noise, rng):
    # Gaussian blobs centred on a circle of radius 0.7, spread std 0.1 + 0.4 * noise.
    a = 2.0 * math.pi * c / classes
    s = 0.1 + 0.4 * noise
    return 0.7 * math.cos(a) + s * rng.normal(), 0.7 * math.sin(a) + s * rng.normal()


def moons_point(c, t, classes, noise, rng):
    # scikit-learn's two moons scaled by 0.6 and centred; noise of std 0.3 * noise.
    a = math.pi * rng.uniform()
    if c == 0:
        mx, my = math.cos(a), math.sin(a)
    else:
        mx, my = 1.0 - math.cos(a), 0.5 - math.sin(a)
    x = 0.6 * (mx - 0.5) + 0.3 * noise * rng.normal()
    y = 0.6 * (my - 0.25) + 0.3 * noise * rng.normal()
    return x, y


POINT_GENERATORS = {
    "spiral": spiral_point,
    "circles": circles_point,
    "xor": xor_point,
    "blobs": blobs_point,
    "moons": moons_point,
}


def generate_2d(name, n, classes, noise, rng):
    """n points of a 2D toy dataset: a flat list [x0, y0, x1, y1, ...] and the labels."""
    if name not in ("spiral", "blobs"):
        classes = 2
    point = POINT_GENERATORS[name]
    xs, labels = [], []
    for i in range(n):
        c = i % classes
        per_class = n // classes + (1 if c < n % classes else 0)
        t = (i // classes) / (max(per_class, 2) - 1)
        xs.extend(point(c, t, classes, noise, rng))
        labels.append(c)
    return xs, labels


#% endif
#% if features
# The network's inputs are the selected features of each point (Overfit's src/data/features.rs),
# computed from the float32 coordinates (x1, x2) before pre-processing. Each product is rounded
# to float32 as Overfit's float32 multiplication is (the product of two float32 values is exact
# in float64), and sin is taken in float64 with math.sin and rounded once, as Overfit does.
POINT_FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_squared": lambda x1, x2: f32(x1 * x1),
    "x2_squared": lambda x1, x2: f32(x2 * x2),
    "x1_x2": lambda x1, x2: f32(x1 * x2),
    "sin_x1": lambda x1, x2: f32(math.sin(x1)),
    "sin_x2": lambda x1, x2: f32(math.sin(x2)),
}


def point_features(x1, x2, features):
    """The selected features of the point (x1, x2), in the order of the features list."""
    return [POINT_FEATURES[name](x1, x2) for name in features]


def expand_features(raw, features):
    """An n x k tensor of the selected features of the n x 2 float32 points raw (x1, x2)."""
    rows = [point_features(x1, x2, features) for x1, x2 in raw.tolist()]
    return torch.tensor(rows, dtype=torch.float32).view(len(rows), len(features))


#% endif
#% if regression
# ============================================================================================
# The regression datasets (Overfit's src/data/regression.rs)
# ============================================================================================
# Inputs are uniform in [-1, 1] per coordinate (few_points: spread evenly with jitter); targets
# are truth(x) + noise * N(0, 1), computed in float32 steps as Overfit does.

F32_PI = f32(math.pi)
BUMPS = [(-0.4, 0.4, 1.0), (0.5, 0.3, 0.8), (0.0, -0.5, -1.0)]
BUMP_SIGMA = f32(0.3)


def truth(name, x):
    if name in ("sine", "few_points"):
        return f32(math.sin(f32(F32_PI * x[0])))
    if name == "step":
        return -0.5 if x[0] < 0.0 else 0.5
    if name == "cubic":
        # 2 x^3 - x, multiplied left to right in float32.
        return f32(f32(f32(f32(2.0 * x[0]) * x[0]) * x[0]) - x[0])
    if name == "plane":
        return f32(f32(f32(0.6) * x[0]) - f32(f32(0.4) * x[1]))
    # gaussians: sum_i h_i exp(-|x - c_i|^2 / (2 sigma^2))
    total = 0.0
    for c1, c2, h in BUMPS:
        d1, d2 = f32(x[0] - f32(c1)), f32(x[1] - f32(c2))
        dist2 = f32(f32(d1 * d1) + f32(d2 * d2))
        total = f32(total + f32(f32(h) * f32(math.exp(f32(-dist2 / f32(2.0 * BUMP_SIGMA * BUMP_SIGMA))))))
    return total


def generate_regression(name, n, noise, rng):
    """n samples: a flat list of inputs (1 or 2 per sample) and the real targets."""
    dims = 1 if name in ("sine", "step", "cubic", "few_points") else 2
    xs, targets = [], []
    noise = f32(noise)
    for i in range(n):
        if name == "few_points":
            u = f32(rng.range(-0.5, 0.5))
            point = [f32(-1.0 + f32(f32(f32(f32(i + 0.5) + f32(0.5 * u)) * 2.0) / n))]
        else:
            point = [f32(rng.range(-1.0, 1.0)) for _ in range(dims)]
        xs.extend(point)
        targets.append(f32(truth(name, point) + f32(noise * rng.normal())))
    return xs, targets, dims


#% endif
# ============================================================================================
# The train/validation split (Overfit's src/data/mod.rs)
# ============================================================================================


def split_indices(labels, classes, cfg, rng, regression=False):
    """Shuffles the samples; the first round(n * val_fraction) are validation, the rest training.

    Keeps at most train_per_class training samples per class (the first ones in shuffled order),
    then replaces a label_noise fraction of training labels by a random class (validation labels
    stay clean). Returns (val_idx, train_idx, train_labels).
    """
    n = len(labels)
    order = list(range(n))
    rng.shuffle(order)
    # Overfit multiplies in 32-bit floats and rounds halves away from zero.
    n_val = round_half_away(f32(float(n) * f32(cfg["val_fraction"])))
    n_val = min(max(n_val, 1), n - 1)
    val_idx = order[:n_val]
    train_idx = order[n_val:]
    if cfg["train_per_class"] > 0:
        count = [0] * classes
        kept = []
        for i in train_idx:
            count[labels[i]] += 1
            if count[labels[i]] <= cfg["train_per_class"]:
                kept.append(i)
        train_idx = kept
    train_labels = [labels[i] for i in train_idx]
    noise = f32(cfg["label_noise"])
    if noise > 0.0 and not regression:
        for j in range(len(train_labels)):
            if rng.uniform() < noise:
                train_labels[j] = rng.below(classes)
    return val_idx, train_idx, train_labels


def corrupt_inputs(kind, train, val, rng):
    """Zhang et al.'s randomization tests (Overfit's src/data/corrupt.rs): one permutation of the
    input positions for every sample (shuffled), one per sample (random_pixels), or Gaussian
    inputs with each input's mean and spread over both splits. Draws from rng in Overfit's order."""
    if kind == "none":
        return train, val
    d = train.shape[1]
    if kind == "shuffled":
        perm = list(range(d))
        rng.shuffle(perm)
        return train[:, perm], val[:, perm]
    if kind == "random_pixels":
        perm = list(range(d))
        out = []
        for m in (train, val):
            rows = []
            for r in range(m.shape[0]):
                rng.shuffle(perm)
                rows.append(m[r, perm])
            out.append(torch.stack(rows) if rows else m.clone())
        return out[0], out[1]
    both = torch.cat([train, val]).double()
    mu = both.mean(0)
    sigma = (both.pow(2).mean(0) - mu * mu).clamp(min=0.0).sqrt()
    out = []
    for m in (train, val):
        draws = [[rng.normal() for _ in range(d)] for _ in range(m.shape[0])]
        z = torch.tensor(draws, dtype=torch.float64).reshape(m.shape[0], d)
        out.append((mu + sigma * z).float())
    return out[0], out[1]


#% if mnist1d
# ============================================================================================
# MNIST-1D (Overfit's src/data/mnist1d.rs; Greydanus, "Scaling down deep learning", 2020)
# ============================================================================================
# One signal of class c: the class's 12-value template plus 1e-8, followed by p zeros (p
# uniform in [36, 60]); resampled linearly to 72 values; scaled by 1 + 0.4 (u - 0.5); rotated
# right by k in {0, ..., 47}; the values still exactly 0 replaced by 0.25 N(0, 1) noise smoothed
# by a Gaussian filter of sigma 2; plus 0.02 N(0, 1) everywhere; sheared by c t with t in
# [-0.5, 0.5] and c = 0.75 (u - 0.5); resampled to 40 values. 500 signals per class, then the
# whole set shifted and scaled to mean 0 and standard deviation 1. Pure Python over Overfit's
# generator, in Overfit's order of draws and in float64, so it gives Overfit's signals.

MNIST1D_TEMPLATES = [
    [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
    [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
    [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
    [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
    [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
    [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
    [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
    [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
]
MNIST1D_SAMPLES, MNIST1D_LENGTH, MNIST1D_VAL_FRACTION = 5000, 40, 0.2


def mnist1d_templates():
    """Each template shifted to mean 0, scaled to standard deviation 1, shifted to start at 0, / 6."""
    out = []
    for t in MNIST1D_TEMPLATES:
        t = [float(v) for v in t]
        mean = sum(t) / len(t)
        std = math.sqrt(sum((v - mean) ** 2 for v in t) / len(t))
        first = (t[0] - mean) / std
        out.append([((v - mean) / std - first) / 6.0 for v in t])
    return out


def mnist1d_resample(x, n):
    """Linear interpolation of x (evenly spaced over [0, 1]) at n evenly spaced positions."""
    m = len(x)
    out = []
    for i in range(n):
        pos = i / (n - 1) * (m - 1)
        j = min(int(math.floor(pos)), m - 2)
        f = pos - j
        out.append(x[j] * (1.0 - f) + x[j + 1] * f)
    return out


def mnist1d_filter(x, sigma):
    """Gaussian filter truncated at 4 sigma, the signal mirrored at both ends (d c b a | a b c d)."""
    radius = int(4.0 * sigma + 0.5)
    weights = [math.exp(-0.5 * (k / sigma) ** 2) for k in range(-radius, radius + 1)]
    total = sum(weights)
    n = len(x)

    def mirror(i):
        while i < 0 or i >= n:
            i = -i - 1 if i < 0 else 2 * n - i - 1
        return i

    out = []
    for i in range(n):
        acc = 0.0
        for k, w in zip(range(-radius, radius + 1), weights):
            acc += w * x[mirror(i + k)]
        out.append(acc / total)
    return out


def mnist1d_sample(template, rng):
    """One raw signal grown from template (before the set's normalization)."""
    pad = 36 + int(rng.uniform() * 25)
    x = [v + 1e-8 for v in template] + [0.0] * pad
    n = 12 + 60
    x = mnist1d_resample(x, n)
    scale = 1.0 + 0.4 * (rng.uniform() - 0.5)
    x = [v * scale for v in x]
    k = rng.below(48) % n
    x = x[n - k:] + x[:n - k]
    corr = mnist1d_filter([0.25 * rng.normal() for _ in range(n)], 2.0)
    x = [c if v == 0.0 else v for v, c in zip(x, corr)]
    x = [v + 0.02 * rng.normal() for v in x]
    coeff = 0.75 * (rng.uniform() - 0.5)
    x = [v - coeff * (i / (n - 1) - 0.5) for i, v in enumerate(x)]
    return mnist1d_resample(x, MNIST1D_LENGTH)


def generate_mnist1d(rng):
    """5,000 signals (a flat list, 40 values each) and labels, class by class, normalized."""
    raw, labels = [], []
    templates = mnist1d_templates()
    for c, template in enumerate(templates):
        for _ in range(MNIST1D_SAMPLES // len(templates)):
            raw.extend(mnist1d_sample(template, rng))
            labels.append(c)
    mean = sum(raw) / len(raw)
    std = max(math.sqrt(sum((v - mean) ** 2 for v in raw) / len(raw)), 1e-12)
    return [f32((v - mean) / std) for v in raw], labels


#% endif
#% if shapes
# ============================================================================================
# Generated shapes and arrows (Overfit's src/data/shapes.rs)
# ============================================================================================
# Shapes are drawn from signed distance functions d(u, v) (negative inside, in units of the
# shape radius) with one pixel of anti-aliasing: coverage = clamp(0.5 - d * r, 0, 1). The random
# draws per image follow Overfit's order exactly; the pixels are computed with tensor ops.

SHAPE_NAMES = ["circle", "square", "triangle", "cross", "ring"]
ARROW_NAMES = ["left", "right"]


def sd_box(u, v, a, b):
    """Signed distance to an axis-aligned box with half-sizes (a, b)."""
    qx = u.abs() - a
    qy = v.abs() - b
    outside = torch.sqrt(qx.clamp(min=0.0) ** 2 + qy.clamp(min=0.0) ** 2)
    return outside + torch.maximum(qx, qy).clamp(max=0.0)


def shape_sdf(c, u, v, stroke):
    """The shape of class c with radius about 1; stroke is the half-width of ring and cross."""
    if c == 0:
        return torch.sqrt(u * u + v * v) - 1.0
    if c == 1:
        return sd_box(u, v, 0.8, 0.8)
    if c == 2:
        # Equilateral triangle: the largest of three half-plane distances.
        d = None
        for k in range(3):
            a = math.pi / 2.0 + k * 2.0 * math.pi / 3.0
            plane = u * math.cos(a) + v * math.sin(a) - 0.5
            d = plane if d is None else torch.maximum(d, plane)
        return d
    if c == 3:
        return torch.minimum(sd_box(u, v, 1.0, stroke), sd_box(u, v, stroke, 1.0))
    return (torch.sqrt(u * u + v * v) - 0.8).abs() - stroke


def arrow_sdf(u, v, stroke):
    """An arrow pointing right (+u): a shaft and a triangular head."""
    shaft = sd_box(u + 0.35, v, 0.55, stroke)
    head = torch.maximum(0.1 - u, v.abs() - 0.9 * (0.95 - u))
    return torch.minimum(shaft, head)


def generate_shapes(n, size, channels, classes, arrows, noise, clutter, rng):
    """n images (n, size * size * channels), HWC with values in [0, 1], labels cycling."""
    classes = 2 if arrows else min(classes, len(SHAPE_NAMES))
    s = float(size)
    images = torch.zeros(n, size * size * channels)
    labels = []
    # Pixel centres, for the shape's coverage.
    py, px = torch.meshgrid(torch.arange(size) + 0.5, torch.arange(size) + 0.5, indexing="ij")
    strokes = round_half_away(f32(f32(clutter) * 6.0))
    for i in range(n):
        c = i % classes
        labels.append(c)
        # Background and foreground colours, never informative about the class.
        if channels == 3:
            bg = [rng.range(0.0, 0.5) for _ in range(3)]
            fg = [rng.range(0.5, 1.0) for _ in range(3)]
        else:
            bg = [rng.range(0.0, 0.35)] * 3
            fg = [rng.range(0.65, 1.0)] * 3
        img = [bg[ch] for _ in range(size * size) for ch in range(channels)]
        # Clutter: a few random thin strokes in a dimmer colour.
        for _ in range(strokes):
            x0, y0 = rng.range(0.0, s), rng.range(0.0, s)
            a = rng.range(0.0, math.pi)
            length = rng.range(0.1, 0.4) * s
            shade = rng.range(0.3, 0.7)
            for t in range(int(length) * 2):
                qx = int(x0 + math.cos(a) * t * 0.5)
                qy = int(y0 + math.sin(a) * t * 0.5)
                if 0 <= qx < size and 0 <= qy < size:
                    q = (qy * size + qx) * channels
                    for ch in range(channels):
                        img[q + ch] = bg[ch] + shade * (fg[ch] - bg[ch])
        # The shape: radius 22-42 % of the image, centred so that it stays inside.
        r = rng.range(0.22, 0.42) * s
        cx, cy = rng.range(r, s - r), rng.range(r, s - r)
        if arrows:
            theta = rng.range(-0.25, 0.25) + (math.pi if c == 0 else 0.0)
        else:
            theta = rng.range(0.0, 2.0 * math.pi)
        stroke = rng.range(0.12, 0.25)
        # Pixel noise of std 0.3 * noise (drawn even when noise is 0, as Overfit does).
        pixel_noise = [rng.normal() for _ in range(size * size * channels)]
        # Rotate each pixel centre into the shape's frame and scale to radius 1.
        ct, st = math.cos(theta), math.sin(theta)
        dx, dy = px - cx, py - cy
        u = (ct * dx + st * dy) / r
        v = (-st * dx + ct * dy) / r
        d = arrow_sdf(u, v, stroke) if arrows else shape_sdf(c, u, v, stroke)
        cover = (0.5 - d * r).clamp(0.0, 1.0).unsqueeze(-1)
        base = torch.tensor(img).view(size, size, channels)
        colour = torch.tensor(fg[:channels])
        out = base * (1.0 - cover) + colour * cover
        out = out + 0.3 * noise * torch.tensor(pixel_noise).view(size, size, channels)
        images[i] = out.clamp(0.0, 1.0).flatten()
    return images, labels


#% endif
#% if digits
# ============================================================================================
# The bundled UCI digits (Overfit's data/digits.bin)
# ============================================================================================


def load_digits(path):
    """Reads Overfit's digits file: "OVFD", u16 count (little-endian), width, height, then per
    image width * height pixel bytes (0-16) and a label byte. Pixels are scaled to [0, 1]."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"digits: {path} not found; pass --digits PATH/TO/data/digits.bin")
    raw = path.read_bytes()
    if len(raw) < 8 or raw[:4] != b"OVFD":
        raise SystemExit(f"digits: {path} has no OVFD header")
    count = int.from_bytes(raw[4:6], "little")
    width, height = raw[6], raw[7]
    per = width * height + 1
    if width != 8 or height != 8 or len(raw) != 8 + count * per:
        raise SystemExit(f"digits: expected {count} images of 8x8 in {path}")
    records = torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).view(count, per)
    pixels, labels = records[:, :64], records[:, 64]
    if int(pixels.max()) > 16 or int(labels.max()) > 9:
        raise SystemExit(f"digits: a value in {path} is out of range")
    return pixels.float() / 16.0, labels.tolist()


#% endif
#% if user
# ============================================================================================
# Your own images: one sub-folder per class
# ============================================================================================

def natural_key(text):
    """Sorts "class2" before "class10", like the page's class list."""
    import re

    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def decode_image(path, size, color, image_module):
    """One image as the page decodes it: the largest centred square, transparent pixels over
    white, resized to size x size; RGB, or grey as 0.299 R + 0.587 G + 0.114 B; HWC in [0, 1]."""
    with image_module.open(path) as image:
        image = image.convert("RGBA")
        side = min(image.width, image.height)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        square = image.crop((left, top, left + side, top + side))
        white = image_module.new("RGBA", square.size, (255, 255, 255, 255))
        rgb = image_module.alpha_composite(white, square).convert("RGB")
        resample = getattr(image_module, "Resampling", image_module).LANCZOS
        rgb = rgb.resize((size, size), resample)
        values = torch.tensor(list(rgb.getdata()), dtype=torch.float32) / 255.0  # (size * size, 3)
    if not color:
        values = values @ torch.tensor([0.299, 0.587, 0.114])
    return values.flatten()


def load_image_folder(folder, size, color, classes):
    """Reads FOLDER/<class name>/.../<image files>: every file under a sub-folder belongs to that
    class, classes in natural sort order; files that do not decode are skipped, as the page does.

    Decoding images needs Pillow (pip install pillow); only this path imports it.
    """
    try:
        from PIL import Image
    except ImportError:
        raise SystemExit("--images needs Pillow to decode images: pip install pillow")
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"images: {folder} is not a folder")
    class_dirs = [d for d in folder.iterdir() if d.is_dir()]
    class_dirs.sort(key=lambda d: natural_key(d.name))
    pixels, labels, names, skipped = [], [], [], 0
    for class_dir in class_dirs:
        decoded = []
        files = [f for f in class_dir.rglob("*") if f.is_file()]
        for file in sorted(files, key=lambda f: natural_key(str(f))):
            try:
                decoded.append(decode_image(file, size, color, Image))
            except (OSError, ValueError):
                skipped += 1
        if decoded:
            # A class left without images is dropped, as the page does.
            pixels.extend(decoded)
            labels.extend([len(names)] * len(decoded))
            names.append(class_dir.name)
    if len(names) != classes:
        raise SystemExit(
            f"images: {folder} has {len(names)} classes with images but the config has "
            f"classes = {classes}; set classes to match"
        )
    if not 4 <= len(labels) <= 20000:
        raise SystemExit(f"images: need 4 to 20000 images, found {len(labels)} in {folder}")
    report = {"images": len(labels), "skipped": skipped, "classes": names}
    print(json.dumps(report), file=sys.stderr)
    return torch.stack(pixels), labels


#% endif
# ============================================================================================
# Building the dataset: generate or load, split, pre-process with training statistics only
# ============================================================================================


class Data:
    """Both splits, raw (for augmentation) and as the network's pre-processed inputs.

    inputs turns raw rows into the network's features before pre-processing (the selected
    features of 2D points); without it the raw values (the pixels of images) are the inputs.
    """

    def __init__(self, raw, labels, classes, image, cfg, rng, inputs=None, targets=None):
        self.classes = classes
        self.image = image  # (height, width, channels) for images, None for 2D points.
        # Regression data has real targets instead of labels (and is one class for the split).
        regression = targets is not None
        split_labels = [0] * len(targets) if regression else labels
        val_idx, train_idx, train_labels = split_indices(split_labels, classes, cfg, rng, regression)
        self.train_raw = raw[train_idx]
        self.val_raw = raw[val_idx]
        if not regression:
            self.train_raw, self.val_raw = corrupt_inputs(cfg["input_corruption"], self.train_raw, self.val_raw, rng)
        if regression:
            self.train_y = torch.tensor([targets[i] for i in train_idx], dtype=torch.float32)
            self.val_y = torch.tensor([targets[i] for i in val_idx], dtype=torch.float32)
        else:
            self.train_y = torch.tensor(train_labels, dtype=torch.long)
            self.val_y = torch.tensor([labels[i] for i in val_idx], dtype=torch.long)
        # The statistics of the pre-processing are those of the features the network sees.
        train_in = self.train_raw if inputs is None else inputs(self.train_raw)
        val_in = self.val_raw if inputs is None else inputs(self.val_raw)
        self.features = train_in.shape[1]
        self.shift, self.scale = fit_preprocess(cfg["preprocess"], train_in, image)
        self.train_x = self.preprocess(train_in)
        self.val_x = self.preprocess(val_in)

    def preprocess(self, x):
        """x' = (x - shift) * scale, with the statistics of the training split."""
        return (x - self.shift) * self.scale

    def to(self, device):
        names = ("train_raw", "val_raw", "train_y", "val_y", "shift", "scale", "train_x", "val_x")
        for name in names:
            setattr(self, name, getattr(self, name).to(device))
        return self


def fit_preprocess(kind, x, image):
    """Per-feature (2D) or per-channel (images) mean and 1 / std of the training rows, in float64.

    "mean" subtracts the mean, "standardize" also divides by the (biased) standard deviation,
    unless it is below 1e-6; "none" leaves the data alone.
    """
    d = x.shape[1]
    shift = torch.zeros(d, dtype=torch.float64)
    scale = torch.ones(d, dtype=torch.float64)
    if kind != "none" and x.shape[0] > 0:
        x = x.double()
        if image is None:
            mean = x.mean(dim=0)
            var = ((x - mean) ** 2).mean(dim=0)
        else:
            # One mean and standard deviation per colour channel of the HWC pixels.
            channels = image[2]
            per_channel = x.view(x.shape[0], -1, channels)
            mean_c = per_channel.mean(dim=(0, 1))
            var_c = ((per_channel - mean_c) ** 2).mean(dim=(0, 1))
            mean = mean_c.repeat(d // channels)
            var = var_c.repeat(d // channels)
        shift = mean
        if kind == "standardize":
            inverse_std = 1.0 / var.clamp(min=1e-300).sqrt()
            scale = torch.where(var > 1e-12, inverse_std, torch.ones_like(var))
    return shift.float(), scale.float()


def build_data(cfg, args, rng):
    """The configured dataset, split and pre-processed; rng is Overfit's data stream."""
#% if toy2d
    name = cfg["dataset"]
    classes = cfg["classes"] if name in ("spiral", "blobs") else 2
    xs, labels = generate_2d(name, cfg["points"], classes, cfg["noise"], rng)
    raw = torch.tensor(xs, dtype=torch.float32).view(-1, 2)
    return Data(raw, labels, classes, None, cfg, rng, lambda x: expand_features(x, cfg["features"]))
#% endif
#% if regression
    # few_points has 20 samples whatever "points" says; 1D inputs are the coordinate x itself,
    # 2D ones the selected features of (x1, x2).
    name = cfg["dataset"]
    n = 20 if name == "few_points" else cfg["points"]
    xs, targets, dims = generate_regression(name, n, cfg["noise"], rng)
    raw = torch.tensor(xs, dtype=torch.float32).view(-1, dims)
    inputs = None if dims == 1 else (lambda x: expand_features(x, cfg["features"]))
    return Data(raw, None, 1, None, cfg, rng, inputs, targets)
#% endif
#% if mnist1d
    # MNIST-1D keeps the reference's 5,000 signals and its split (1,000 for validation),
    # whatever "points" and "val_fraction" say; the signals are the inputs.
    xs, labels = generate_mnist1d(rng)
    raw = torch.tensor(xs, dtype=torch.float32).view(-1, MNIST1D_LENGTH)
    return Data(raw, labels, 10, None, {**cfg, "val_fraction": MNIST1D_VAL_FRACTION}, rng)
#% endif
#% if shapes
    arrows = cfg["dataset"] == "arrows"
    size = cfg["image_size"]
    channels = 3 if cfg["color"] and not arrows else 1
    classes = 2 if arrows else min(cfg["classes"], len(SHAPE_NAMES))
    raw, labels = generate_shapes(
        cfg["points"], size, channels, classes, arrows, cfg["noise"], cfg["clutter"], rng
    )
    return Data(raw, labels, classes, (size, size, channels), cfg, rng)
#% endif
#% if digits
    # All 1,797 images are used; "points" does not apply to the digits.
    raw, labels = load_digits(args.digits)
    return Data(raw, labels, 10, (8, 8, 1), cfg, rng)
#% endif
#% if user
    if args.images is None:
        raise SystemExit("this run uses your own images: pass --images FOLDER")
    size = cfg["image_size"]
    channels = 3 if cfg["color"] else 1
    raw, labels = load_image_folder(args.images, size, cfg["color"], cfg["classes"])
    return Data(raw, labels, cfg["classes"], (size, size, channels), cfg, rng)
#% endif


#% if image
# ============================================================================================
# Image augmentation (Overfit's src/data/augment.rs), with plain tensor ops
# ============================================================================================
# Each training image gets its own random flips, padded crop, translation, brightness and
# contrast, drawn from the augmentation stream in Overfit's order; the pixels are then moved
# for the whole batch at once by gathering. Images are HWC with values in [0, 1], and are
# pre-processed after augmentation.


def augmentation_active(cfg):
    return (
        cfg["hflip"] > 0 or cfg["vflip"] > 0 or cfg["crop_pad"] > 0 or cfg["translate"] > 0
        or cfg["brightness"] > 0 or cfg["contrast"] > 0
    )


def draw_augmentation(cfg, rng):
    """One image's random augmentation: (flip_x, flip_y, crop dx, crop dy, shift x, shift y,
    brightness b, contrast k)."""
    hflip, vflip = f32(cfg["hflip"]), f32(cfg["vflip"])
    flip_x = hflip > 0.0 and rng.uniform() < hflip
    flip_y = vflip > 0.0 and rng.uniform() < vflip
    # A random crop of the original size from the image padded by p: an offset in [-p, p].
    p = cfg["crop_pad"]
    cx, cy = (rng.below(2 * p + 1) - p, rng.below(2 * p + 1) - p) if p > 0 else (0, 0)
    t = cfg["translate"]
    tx, ty = (rng.below(2 * t + 1) - t, rng.below(2 * t + 1) - t) if t > 0 else (0, 0)
    b = cfg["brightness"]
    c = cfg["contrast"]
    shift = rng.range(-b, b) if b > 0 else 0.0
    factor = rng.range(1.0 - c, 1.0 + c) if c > 0 else 1.0
    return flip_x, flip_y, cx, cy, tx, ty, shift, factor


def reflect_index(v, n):
    """Mirrors coordinates at the border without repeating the edge pixel: -1 -> 1, n -> n - 2."""
    period = 2 * max(n - 1, 1)
    m = torch.remainder(v, period)
    return torch.where(m < n, m, period - m)


def resample(images, dx, dy, flip_x, flip_y, reflect):
    """dst(x, y) = src(x' + dx, y' + dy) for a batch (B, H, W, C), where x' = W - 1 - x for the
    images flipped left-right (y' likewise); reads outside the image are 0 or mirrored."""
    b, h, w, _ = images.shape
    xs = torch.arange(w, device=images.device)
    ys = torch.arange(h, device=images.device)
    sx = torch.where(flip_x[:, None], w - 1 - xs, xs) + dx[:, None]  # (B, W)
    sy = torch.where(flip_y[:, None], h - 1 - ys, ys) + dy[:, None]  # (B, H)
    if reflect:
        sx, sy = reflect_index(sx, w), reflect_index(sy, h)
        inside = torch.ones(b, h, w, 1, device=images.device)
    else:
        inside_x = (sx >= 0) & (sx < w)
        inside_y = (sy >= 0) & (sy < h)
        inside = (inside_y[:, :, None] & inside_x[:, None, :]).unsqueeze(-1).to(images.dtype)
        sx, sy = sx.clamp(0, w - 1), sy.clamp(0, h - 1)
    batch = torch.arange(b, device=images.device)[:, None, None]
    return images[batch, sy[:, :, None], sx[:, None, :]] * inside


def augment(raw, draws, cfg, image):
    """Applies one draw per row to raw images (B, H * W * C) and returns the augmented rows."""
    h, w, c = image
    device = raw.device
    images = raw.view(raw.shape[0], h, w, c)
    column = lambda k, dtype: torch.tensor([d[k] for d in draws], dtype=dtype, device=device)
    flip_x, flip_y = column(0, torch.bool), column(1, torch.bool)
    images = resample(
        images, column(2, torch.long), column(3, torch.long), flip_x, flip_y,
        reflect=cfg["padding"] == "reflect",
    )
    if cfg["translate"] > 0:
        no = torch.zeros_like(flip_x)
        tx, ty = column(4, torch.long), column(5, torch.long)
        images = resample(images, tx, ty, no, no, reflect=False)
    if cfg["brightness"] > 0 or cfg["contrast"] > 0:
        # v' = mean + k (v - mean) + b, kept in [0, 1]; the mean is over the whole image.
        shift = column(6, images.dtype)[:, None, None, None]
        factor = column(7, images.dtype)[:, None, None, None]
        mean = images.mean(dim=(1, 2, 3), keepdim=True)
        images = (mean + factor * (images - mean) + shift).clamp(0.0, 1.0)
    return images.reshape(raw.shape)


def mirror(raw, image):
    """The left-right mirror of every image (the second view of test-time flip averaging)."""
    h, w, c = image
    images = raw.view(raw.shape[0], h, w, c)
    return images.flip(2).reshape(raw.shape)


def center_crop(raw, image, crop_pad):
    """The centre (W - 2 pad) x (H - 2 pad) window scaled back to W x H by bilinear sampling,
    reading past the border mirrored (the test-time view after training on random crops)."""
    h, w, c = image
    pad = float(min(max(crop_pad, 1), (min(w, h) - 1) // 2))
    device = raw.device
    images = raw.view(raw.shape[0], h, w, c)
    # Output pixel centres map onto the window; -0.5 converts to sample indices.
    fx = pad + (torch.arange(w, device=device) + 0.5) * (w - 2.0 * pad) / w - 0.5
    fy = pad + (torch.arange(h, device=device) + 0.5) * (h - 2.0 * pad) / h - 0.5
    x0, y0 = fx.floor(), fy.floor()
    ax = (fx - x0)[None, None, :, None]
    ay = (fy - y0)[None, :, None, None]
    x0, y0 = x0.long(), y0.long()
    x1, y1 = reflect_index(x0 + 1, w), reflect_index(y0 + 1, h)
    x0, y0 = reflect_index(x0, w), reflect_index(y0, h)
    g = lambda yy, xx: images[:, yy][:, :, xx]
    top = g(y0, x0) * (1.0 - ax) + g(y0, x1) * ax
    bottom = g(y1, x0) * (1.0 - ax) + g(y1, x1) * ax
    return (top * (1.0 - ay) + bottom * ay).reshape(raw.shape)


def test_views(data, split, cfg):
    """The inputs evaluation averages over: the images themselves, plus their mirror for
    test_time "flip"; only the centre crop for "center_crop". Pre-processed."""
    raw = data.train_raw if split == "train" else data.val_raw
    plain = data.train_x if split == "train" else data.val_x
    if cfg["test_time"] == "flip":
        return [plain, data.preprocess(mirror(raw, data.image))]
    if cfg["test_time"] == "center_crop":
        return [data.preprocess(center_crop(raw, data.image, cfg["crop_pad"]))]
    return [plain]


#% endif
# ============================================================================================
# The network (Overfit's src/model.rs and src/layers/)
# ============================================================================================
# Hidden layer l is Linear -> [norm, if before] -> activation or maxout -> [norm, if after]
# -> dropout; the output is a Linear with one score per class (one score for the logistic loss).


def layer_setting(cfg, layer, key):
    """The activation, norm or dropout of hidden layer `layer` (0-based): the last override
    naming that layer wins when it sets the key, otherwise the network-wide value."""
    for override in reversed(cfg["layer_overrides"]):
        if override["layer"] == layer + 1:
            value = override.get(key)
            return cfg[key] if value is None else value
    return cfg[key]


class Maxout(nn.Module):
    """Maxout (Goodfellow et al. 2013): unit u outputs max_j x[u k + j] over its k contiguous
    pieces of the preceding Linear. The gradient goes to the first winning piece, as in Overfit."""

    def __init__(self, units, k):
        super().__init__()
        self.units, self.k = units, k

    def forward(self, x):
        return x.view(x.shape[0], self.units, self.k).max(dim=2).values

    def extra_repr(self):
        return f"units={self.units}, k={self.k}"


class BatchNorm(nn.BatchNorm1d):
    """BatchNorm (Ioffe & Szegedy 2015) with Overfit's running-average convention.

    Overfit updates running = m * running + (1 - m) * batch with m = bn_momentum (0.9 by
    default); PyTorch updates running = (1 - momentum) * running + momentum * batch, so the same
    semantics need momentum = 1 - m. Both use the batch's biased variance to normalize, the
    unbiased one for the running variance, and eps = 1e-5.
    """

    def __init__(self, features, decay):
        super().__init__(features, eps=1e-5, momentum=1.0 - decay)

    def forward(self, x):
        if self.training and x.shape[0] <= 1:
            # PyTorch refuses to normalize a batch of one sample (a last batch can be that small);
            # Overfit takes its variance as 0, so xhat = 0, y = beta and the input gradient is 0.
            if x.shape[0] == 1:
                with torch.no_grad():
                    m = self.momentum
                    self.running_mean.mul_(1.0 - m).add_(m * x[0])
                    self.running_var.mul_(1.0 - m)
            return x * 0.0 * self.weight + self.bias
        return super().forward(x)


class UnscaledDropout(nn.Module):
    """Dropout without rescaling (Overfit's test_time_scaling off): training keeps each unit with
    probability 1 - p and does not divide by 1 - p, evaluation is the identity, so activations at
    test time are 1 / (1 - p) times larger than what the next layer saw in training."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = torch.rand_like(x) < 1.0 - self.p
        return x * keep

    def extra_repr(self):
        return f"p={self.p}"


def make_activation(name, cfg):
    """The element-wise non-linearities; ELU has alpha = 1."""
    return {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(cfg["leaky_slope"]),
        "elu": lambda: nn.ELU(alpha=1.0),
        "identity": nn.Identity,
    }[name]()


REGRESSION_LOSSES = ("mse", "l1", "huber")


def is_regression(cfg):
    return cfg["loss"] in REGRESSION_LOSSES


def num_outputs(cfg, classes):
    return 1 if cfg["loss"] == "logistic" or is_regression(cfg) else classes


def build_model(cfg, inputs, classes):
    layers = []
    n_in = inputs
    for layer, width in enumerate(cfg["hidden"]):
        activation = layer_setting(cfg, layer, "activation")
        norm = layer_setting(cfg, layer, "norm")
        p = layer_setting(cfg, layer, "dropout")
        pieces = cfg["maxout_k"] if activation == "maxout" else 1
        before = norm != "none" and cfg["norm_position"] == "before"
        # A BatchNorm right after the Linear subtracts the batch mean, which cancels any bias,
        # so that Linear has none (BatchNorm's beta plays its role).
        linear = nn.Linear(n_in, width * pieces, bias=not (norm == "batch" and before))
        layers.append(linear)
        normalized = width * pieces if before else width
        norm_layer = None
        if norm == "batch":
            norm_layer = BatchNorm(normalized, cfg["bn_momentum"])
        elif norm == "layer":
            # LayerNorm (Ba et al. 2016) over the features of each sample, eps = 1e-5.
            norm_layer = nn.LayerNorm(normalized, eps=1e-5)
        elif norm == "group":
            # GroupNorm (Wu & He 2018): the units in cfg["groups"] contiguous groups, each
            # normalized per sample; nn.GroupNorm takes the (N, C) input of a dense layer.
            norm_layer = nn.GroupNorm(cfg["groups"], normalized, eps=1e-5)
        if before and norm_layer is not None:
            layers.append(norm_layer)
        if activation == "maxout":
            layers.append(Maxout(width, pieces))
        else:
            layers.append(make_activation(activation, cfg))
        if not before and norm_layer is not None:
            layers.append(norm_layer)
        if p > 0:
            # With test_time_scaling on this is inverted dropout: kept units are scaled by
            # 1 / (1 - p) in training and evaluation is the identity (nn.Dropout).
            layers.append(nn.Dropout(p) if cfg["test_time_scaling"] else UnscaledDropout(p))
        n_in = width
    layers.append(nn.Linear(n_in, num_outputs(cfg, classes)))
    return nn.Sequential(*layers)


def init_std(cfg, fan_in):
    """The standard deviation of each scheme (for "uniform" the half-width a), in float32."""
    scheme = cfg["init"]
    if scheme == "zeros":
        return 0.0
    if scheme == "normal001":
        return 0.01
    if scheme == "normal1":
        return 1.0
    if scheme in ("normal", "uniform"):
        return f32(cfg["init_scale"])
    if scheme == "xavier":
        # Glorot & Bengio (2010) in the lecture's form: Var(w) = 1 / n_in.
        return f32(math.sqrt(f32(1.0 / max(fan_in, 1))))
    # He et al. (2015): ReLU zeroes half the inputs, so Var(w) = 2 / n_in.
    return f32(math.sqrt(f32(2.0 / max(fan_in, 1))))


@torch.no_grad()
def initialize(model, cfg, rng):
    """Draws every weight matrix from the member's stream in Overfit's order; biases start at 0,
    norm gammas at 1 and betas at 0 (PyTorch's defaults for the norms)."""
    for linear in [m for m in model.modules() if isinstance(m, nn.Linear)]:
        n_in, n_out = linear.in_features, linear.out_features
        s = init_std(cfg, n_in)
        if cfg["init"] == "zeros":
            w = torch.zeros(n_in, n_out)
        elif cfg["init"] == "uniform":
            u = torch.tensor([rng.uniform() for _ in range(n_in * n_out)], dtype=torch.float32)
            w = (-s + (2.0 * s) * u).view(n_in, n_out)
        else:
            z = torch.tensor([rng.normal() for _ in range(n_in * n_out)], dtype=torch.float32)
            w = (s * z).view(n_in, n_out)
        # Overfit stores W as (n_in, n_out) and computes x W; nn.Linear stores (n_out, n_in) and
        # computes x W^T, so the same draws fill the transpose.
        linear.weight.copy_(w.t())
        if linear.bias is not None:
            linear.bias.zero_()


# ============================================================================================
# Losses (Overfit's src/loss.rs)
# ============================================================================================


def loss_sum(cfg, scores, y):
    """The summed data loss of a batch (divide by the batch size for the mean)."""
    if cfg["loss"] == "mse":
        # (s - t)^2 of the one output.
        return F.mse_loss(scores[:, 0], y, reduction="sum")
    if cfg["loss"] == "l1":
        return F.l1_loss(scores[:, 0], y, reduction="sum")
    if cfg["loss"] == "huber":
        # (s - t)^2 / 2 within delta = 1 of the target, |s - t| - 1/2 beyond.
        return F.huber_loss(scores[:, 0], y, delta=1.0, reduction="sum")
    if cfg["loss"] == "hinge":
        # Multiclass SVM: sum_{k != y} max(0, s_k - s_y + margin). PyTorch's multi_margin_loss
        # divides that sum by the number of classes, so multiply it back.
        classes = scores.shape[1]
        margin = cfg["hinge_margin"]
        return F.multi_margin_loss(scores, y, margin=margin, reduction="sum") * classes
    if cfg["loss"] == "logistic":
        # One score s, p = sigma(s): -(y log p + (1 - y) log(1 - p)), computed stably.
        labels = y.to(scores.dtype)
        return F.binary_cross_entropy_with_logits(scores[:, 0], labels, reduction="sum")
    # Softmax cross-entropy: -log(e^{s_y} / sum_k e^{s_k}).
    return F.cross_entropy(scores, y, reduction="sum")


def predictions(cfg, scores):
    if cfg["loss"] == "logistic":
        return (scores[:, 0] > 0).long()
    return scores.argmax(dim=1)


def probabilities(cfg, scores):
    """Class probabilities for ensembles and test-time views: softmax of the scores (for the
    hinge loss too, as a monotone read-out), or [1 - p, p] for the logistic loss."""
    if is_regression(cfg):
        return scores[:, :1]
    if cfg["loss"] == "logistic":
        p = torch.sigmoid(scores[:, 0])
        return torch.stack([1.0 - p, p], dim=1)
    return torch.softmax(scores, dim=1)


def regression_figures(cfg, prediction, y):
    """(loss, R^2, RMSE) of one-column predictions: R^2 = 1 - SSE / SST over the split."""
    n = y.shape[0]
    loss = loss_sum(cfg, prediction, y).item() / n
    sse = ((prediction[:, 0].double() - y.double()) ** 2).sum().item()
    sst = ((y.double() - y.double().mean()) ** 2).sum().item()
    r2 = 1.0 - sse / sst if sst > 0 else (1.0 if sse == 0 else 0.0)
    return loss, r2, math.sqrt(sse / max(n, 1))


# ============================================================================================
# Optimization (Overfit's src/optim.rs)
# ============================================================================================


class Cs231nMomentum(torch.optim.Optimizer):
    """SGD with momentum in the cs231n form: v = mu v - lr g, w += v; with Nesterov,
    w += -mu v_prev + (1 + mu) v. torch.optim.SGD(momentum=mu, nesterov=...) keeps the buffer
    b = -v / lr and makes the same updates while the learning rate is constant, but rescales the
    whole velocity when a step schedule changes the rate; this class matches Overfit exactly."""

    def __init__(self, params, lr, momentum, nesterov):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, mu = group["lr"], group["momentum"]
            for w in group["params"]:
                if w.grad is None:
                    continue
                state = self.state[w]
                if "velocity" not in state:
                    state["velocity"] = torch.zeros_like(w)
                v = state["velocity"]
                v_prev = v.clone()
                v.mul_(mu).add_(w.grad, alpha=-lr)
                if group["nesterov"]:
                    w.add_(v_prev, alpha=-mu).add_(v, alpha=1.0 + mu)
                else:
                    w.add_(v)


def make_optimizer(cfg, model):
    params = model.parameters()
    lr = cfg["learning_rate"]
    if cfg["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if cfg["optimizer"] == "momentum":
        return Cs231nMomentum(params, lr, cfg["momentum"], cfg["nesterov"])
    # Adam (Kingma & Ba 2015) with bias correction: w -= lr (m / (1 - b1^t)) /
    # (sqrt(v / (1 - b2^t)) + eps), the same formula as Overfit's. Weight decay is added to the
    # gradient by add_weight_decay(), so none is given here.
    return torch.optim.Adam(params, lr=lr, betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"])


@torch.no_grad()
def add_weight_decay(model, cfg):
    """Adds the gradient of (l2 / 2) w^2 + l1 |w|, that is l2 w + l1 sign(w), to the weight
    matrices only: Overfit decays neither biases nor norm parameters."""
    if cfg["l2"] == 0 and cfg["l1"] == 0:
        return
    for linear in (m for m in model.modules() if isinstance(m, nn.Linear)):
        w = linear.weight
        w.grad.add_(w, alpha=cfg["l2"]).add_(torch.sign(w), alpha=cfg["l1"])


def learning_rate(cfg, epoch):
    """The rate in force during epoch `epoch` (0-based): the step schedule is
    lr * factor^floor(epoch / every)."""
    if cfg["schedule"] == "step":
        return cfg["learning_rate"] * cfg["decay_factor"] ** (epoch // cfg["decay_every"])
    return cfg["learning_rate"]


# ============================================================================================
# Training (Overfit's src/train.rs)
# ============================================================================================

EVAL_CHUNK = 4096


class Member:
    """One network of the run (an ensemble has several): its own initialization and, for an
    ensemble of K > 1, its own bootstrap resample of the training rows (Breiman 1996)."""

    def __init__(self, cfg, data, rng, device, ddp):
        self.model = build_model(cfg, data.features, data.classes)
        initialize(self.model, cfg, rng)
        n = len(data.train_y)
        if cfg["ensemble"] > 1:
            self.rows = [rng.below(n) for _ in range(n)]
        else:
            self.rows = list(range(n))
        self.model.to(device)
        if ddp and device.type == "cuda":
            # Batch statistics over the whole global batch, as in one process.
            self.model = nn.SyncBatchNorm.convert_sync_batchnorm(self.model)
        self.net = self.model
        if ddp:
            ids = [device.index] if device.type == "cuda" else None
            self.net = DistributedDataParallel(self.model, device_ids=ids)
        self.optimizer = make_optimizer(cfg, self.model)

    def snapshot(self):
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def restore(self, state):
        self.model.load_state_dict(state)


@torch.no_grad()
def scores_of(model, x, chunk):
    return torch.cat([model(x[i:i + chunk]) for i in range(0, x.shape[0], chunk)])


def enter_evaluation(model, cfg):
    """Evaluation mode: dropout is the identity and BatchNorm uses its running averages.

    With eval_batch_stats on, BatchNorm instead normalizes with the statistics of each evaluation
    batch (of batch_size rows), the mistake Overfit's switch demonstrates; its running averages
    are saved here and put back by leave_evaluation(), so evaluation never changes them.
    """
    model.eval()
    saved = []
    if cfg.get("eval_batch_stats", False):
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                buffers = [b.clone() for b in module.buffers()]
                saved.append((module, buffers))
                module.train()
    return saved


@torch.no_grad()
def leave_evaluation(model, saved):
    for module, buffers in saved:
        for b, old in zip(module.buffers(), buffers):
            b.copy_(old)
    model.train()


@torch.no_grad()
def evaluate(members, views, y, cfg):
    """(loss, accuracy, accuracy of each member) of one split in evaluation mode.

    A single model without test-time views reports its own loss; otherwise the class
    probabilities are averaged over members and views and the loss is the negative log of the
    averaged probability of the label.
    """
    chunk = cfg["batch_size"] if cfg.get("eval_batch_stats", False) else EVAL_CHUNK
    saved = [enter_evaluation(m.model, cfg) for m in members]
    n = y.shape[0]
    if is_regression(cfg):
        # The score is R^2 (with the RMSE beside it); an ensemble averages its predictions.
        average = 0.0
        member_r2 = []
        for m in members:
            prediction = sum(probabilities(cfg, scores_of(m.model, v, chunk)) for v in views) / len(views)
            average = average + prediction / len(members)
            member_r2.append(regression_figures(cfg, prediction, y)[1])
        loss, r2, rmse = regression_figures(cfg, average, y)
        result = loss, r2, member_r2 if len(members) > 1 else [r2], rmse
    elif len(members) == 1 and len(views) == 1:
        scores = scores_of(members[0].model, views[0], chunk)
        loss = loss_sum(cfg, scores, y).item() / n
        acc = (predictions(cfg, scores) == y).double().mean().item()
        result = loss, acc, [acc], None
    else:
        average = 0.0
        member_acc = []
        for m in members:
            member_probs = sum(probabilities(cfg, scores_of(m.model, v, chunk)) for v in views)
            average = average + member_probs / (len(members) * len(views))
            member_acc.append((member_probs.argmax(dim=1) == y).double().mean().item())
        picked = average.gather(1, y[:, None]).clamp(min=1e-12)
        loss = -picked.double().log().mean().item()
        acc = (average.argmax(dim=1) == y).double().mean().item()
        result = loss, acc, member_acc, None
    for m, state in zip(members, saved):
        leave_evaluation(m.model, state)
    return result


def training_batch(data, rows, shard, cfg, augment_rng):
    """The inputs and labels of this process's share of one batch. Augmentation (images only) is
    drawn for every row of the batch, so each process's stream stays in step with Overfit's."""
#% if image
    if augmentation_active(cfg):
        draws = [draw_augmentation(cfg, augment_rng) for _ in rows]
        index = torch.tensor(rows[shard], dtype=torch.long, device=data.train_raw.device)
        x = data.preprocess(augment(data.train_raw[index], draws[shard], cfg, data.image))
        return x, data.train_y[index]
#% endif
    index = torch.tensor(rows[shard], dtype=torch.long, device=data.train_x.device)
    return data.train_x[index], data.train_y[index]


def train_step(members, data, positions, lr, cfg, augment_rng, rank, world):
    """One update of every member on the batch at `positions` of the shuffled order. Returns
    False when a loss or gradient was not finite (that member is then not updated)."""
    # Under DistributedDataParallel each process takes every world-th row of the batch; its
    # summed loss is scaled by world / batch so that DDP's gradient average is the gradient of
    # the mean loss over the whole batch (world = 1 gives the plain mean).
    shard = slice(rank, None, world)
    all_finite = True
    for m in members:
        # Each member maps the shared shuffled positions through its own (bootstrap) rows.
        rows = [m.rows[p] for p in positions]
        x, y = training_batch(data, rows, shard, cfg, augment_rng)
        for group in m.optimizer.param_groups:
            group["lr"] = lr
        m.optimizer.zero_grad(set_to_none=False)
        loss = loss_sum(cfg, m.net(x), y) * (world / len(positions))
        loss.backward()
        mean_loss = loss.detach() / world
        if world > 1:
            dist.all_reduce(mean_loss)
        finite = torch.isfinite(mean_loss).item() and all(
            torch.isfinite(p.grad).all().item() for p in m.model.parameters()
        )
        if finite:
            add_weight_decay(m.model, cfg)
            m.optimizer.step()
        all_finite = all_finite and finite
    return all_finite


def short(x):
    """A metric rounded to float32 precision for the JSON line (None when not finite)."""
    return float(f"{x:.8g}") if math.isfinite(x) else None


def setup_distributed(args):
    """(rank, world size, device). Under torchrun (WORLD_SIZE > 1) each process joins the group:
    NCCL on GPUs, Gloo on CPUs."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, torch.device(args.device)
    rank = int(os.environ["RANK"])
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if args.device.startswith("cuda"):
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
        dist.init_process_group(backend="nccl")
    else:
        device = torch.device(args.device)
        dist.init_process_group(backend="gloo")
    return rank, world, device


def parse_args():
    parser = argparse.ArgumentParser(description="An Overfit run exported to PyTorch.")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default cpu)")
    parser.add_argument("--epochs", type=int, default=None, help="override CONFIG['epochs']")
    parser.add_argument("--seed", type=int, default=None, help="override CONFIG['seed']")
#% if digits
    parser.add_argument(
        "--digits",
        default=str(Path(__file__).resolve().parent / "data" / "digits.bin"),
        help="Overfit's data/digits.bin (default: data/digits.bin next to this script)",
    )
#% endif
#% if user
    parser.add_argument("--images", help="a folder with one sub-folder of images per class")
#% endif
    return parser.parse_args()


def run(cfg, args, report=None, echo=True):
    """Trains the run `cfg` (a dict like CONFIG) and returns (history, summary): one record per
    epoch and the summary line. With `echo`, rank 0 prints each record and the summary as JSON
    lines; `report(record)` is called after each epoch (a Ray Tune sweep reports there)."""
    rank, world, device = setup_distributed(args)
    ddp = world > 1
    started = time.time()
    # Dropout masks come from PyTorch's generator; each process gets its own masks.
    torch.manual_seed(cfg["seed"] + rank)

    # The same streams as Overfit: data first, then one per member, then order and augmentation.
    root = Pcg32(cfg["seed"], 0)
    # The root forks its data stream either way; a data seed (not 0) replaces it by the same
    # stream of a generator seeded by the data seed, as Overfit's `data_stream` does.
    data_rng = root.fork(STREAM_DATA)
    if cfg.get("data_seed", 0):
        data_rng = Pcg32(cfg["data_seed"], 0).fork(STREAM_DATA)
    data = build_data(cfg, args, data_rng)
    members = [
        Member(cfg, data, root.fork(STREAM_MEMBER + k), device, ddp)
        for k in range(cfg["ensemble"])
    ]
    order_rng = root.fork(STREAM_ORDER)
    augment_rng = root.fork(STREAM_AUGMENT)
    data.to(device)
#% if image
    train_views, val_views = test_views(data, "train", cfg), test_views(data, "val", cfg)
#% endif
#% if not image
    train_views, val_views = [data.train_x], [data.val_x]
#% endif

    n = len(data.train_y)
    batch_size = cfg["batch_size"]
    order = list(range(n))  # Shuffled again at every epoch start, as Overfit does.
    step = epoch = 0
    history = []
    best_loss, best_state, since_best = None, None, 0
    last_good = [m.snapshot() for m in members]
    stopped, diverged_at = False, None

    # Overfit pauses at stop_at_epoch (0 = never), as the page does.
    last_epoch = min(cfg["epochs"], cfg["stop_at_epoch"]) if cfg.get("stop_at_epoch", 0) > 0 else cfg["epochs"]
    while epoch < last_epoch and not stopped and diverged_at is None:
        order_rng.shuffle(order)
        for start in range(0, n, batch_size):
            positions = order[start:start + batch_size]
            finite = train_step(members, data, positions, learning_rate(cfg, epoch), cfg,
                                augment_rng, rank, world)
            step += 1
            if not finite:
                # A non-finite loss: stop and restore the weights of the last good epoch.
                diverged_at = step
                for m, state in zip(members, last_good):
                    m.restore(state)
                break
        if diverged_at is not None:
            break
        epoch += 1

        if ddp:
            # Running averages were updated from each process's share; take rank 0's.
            for m in members:
                for buffer in m.model.buffers():
                    dist.broadcast(buffer, 0)
        train_loss, train_acc, _, train_rmse = evaluate(members, train_views, data.train_y, cfg)
        val_loss, val_acc, member_acc, val_rmse = evaluate(members, val_views, data.val_y, cfg)
        if ddp:
            # Every process takes the same early-stopping decision, from rank 0's numbers.
            losses = torch.tensor([train_loss, val_loss], dtype=torch.float64, device=device)
            dist.broadcast(losses, 0)
            train_loss, val_loss = losses.tolist()
        record = {
            "epoch": epoch,
            "step": step,
            "train_loss": short(train_loss),
            "train_acc": short(train_acc),
            "val_loss": short(val_loss),
            "val_acc": short(val_acc),
            "lr": short(learning_rate(cfg, epoch)),
            "members_val_acc": [short(a) for a in member_acc] if len(members) > 1 else [],
        }
        if is_regression(cfg):
            # The scores are R^2, named so (as Overfit's CLI does), with the RMSE beside them.
            for old, new in (("train_acc", "train_r2"), ("val_acc", "val_r2"), ("members_val_acc", "members_val_r2")):
                record[new] = record.pop(old)
            record["train_rmse"], record["val_rmse"] = short(train_rmse), short(val_rmse)
        history.append(record)
        if rank == 0 and echo:
            print(json.dumps(record, separators=(",", ":")), flush=True)
        if report is not None:
            report(record)
        if math.isfinite(val_loss) and math.isfinite(train_loss):
            last_good = [m.snapshot() for m in members]
        # Early stopping on the validation loss: stop after `patience` epochs without a better
        # one and restore the best weights (patience 0 never stops).
        if (best_loss is None and math.isfinite(val_loss)) or (
            best_loss is not None and val_loss < best_loss
        ):
            best_loss, best_state, since_best = val_loss, [m.snapshot() for m in members], 0
        else:
            since_best += 1
            if cfg["patience"] > 0 and since_best >= cfg["patience"]:
                stopped = True
                if best_state is not None:
                    for m, state in zip(members, best_state):
                        m.restore(state)

    last = history[-1] if history else {}
    ranked = [r for r in history if r["val_loss"] is not None]
    best = min(ranked, key=lambda r: r["val_loss"]) if ranked else (history[0] if history else {})
    score = "r2" if is_regression(cfg) else "acc"
    summary = {
        "epochs": epoch,
        "steps": step,
        f"final_train_{score}": last.get(f"train_{score}"),
        f"final_val_{score}": last.get(f"val_{score}"),
        "final_train_loss": last.get("train_loss"),
        "final_val_loss": last.get("val_loss"),
        "best_epoch": best.get("epoch"),
        f"best_val_{score}": best.get(f"val_{score}"),
        "early_stopped": stopped,
        "diverged_at_step": diverged_at,
        "parameters": sum(p.numel() for p in members[0].model.parameters()),
        "seconds": time.time() - started,
    }
    if is_regression(cfg):
        summary["final_train_rmse"] = last.get("train_rmse")
        summary["final_val_rmse"] = last.get("val_rmse")
    if rank == 0 and echo:
        print(json.dumps({"summary": summary}, sort_keys=True, separators=(",", ":")), flush=True)
    if ddp:
        dist.destroy_process_group()
    return history, summary


def main():
    args = parse_args()
    cfg = dict(CONFIG)
    if args.epochs is not None:
        cfg["epochs"] = args.epochs
    if args.seed is not None:
        cfg["seed"] = args.seed
    run(cfg, args)


#% if not sweep
if __name__ == "__main__":
    main()
#% endif
