# An Overfit run exported as a PyTorch script.
#
# Exported by Overfit 0.1.0 (`overfit export-pytorch CONFIG.json > run.py`, or the page's "Export
# as PyTorch" button). The run: the bundled UCI digits (1,797 images of 8x8); hidden layers 64-64
# (relu), softmax loss, adam.
#
# Needs Python 3.8+ and PyTorch (`pip install torch`), nothing else.
#
# Run it:
#   python3 run.py --digits data/digits.bin                    on the CPU
#   python3 run.py --digits data/digits.bin --device cuda      on a GPU
#   torchrun --nproc_per_node=N run.py --digits data/digits.bin --device cuda
#       on N GPUs of one machine with DistributedDataParallel: every process builds the
#       same data and weights, each takes every N-th row of each batch, the gradients are
#       averaged, BatchNorm statistics are synchronized, and only rank 0 prints. Without
#       --device cuda the processes run on the CPU with the Gloo backend (BatchNorm then
#       normalizes each process's share of the batch on its own).
#   --digits is Overfit's data/digits.bin (by default, data/digits.bin next to this script).
#   --epochs N and --seed S override the configuration, as for `overfit train`.
#
# It prints one JSON line per epoch, then a summary line: the same lines as
# `overfit train CONFIG.json`, so the two can be compared line by line. With the same seed
# the data, the split, the initial weights, the batch order and the augmentation are
# Overfit's (its random generator is ported below); dropout masks come from PyTorch's
# generator, and float sums run in a different order, so the curves agree closely, not
# bit for bit.
#
# The configuration (Overfit's JSON, for `overfit train`):
#   {"dataset":"digits","classes":3,"points":600,"noise":0.1,"val_fraction":0.3,"seed":1,
#    "preprocess":"standardize","label_noise":0.0,"train_per_class":0,"image_size":16,
#    "color":false,"clutter":0.2,"hflip":0.0,"vflip":0.0,"crop_pad":0,"padding":"zero",
#    "translate":0,"brightness":0.0,"contrast":0.0,"test_time":"none","hidden":[64,64],
#    "activation":"relu","leaky_slope":0.01,"maxout_k":2,"init":"he","init_scale":0.01,
#    "norm":"none","norm_position":"before","bn_momentum":0.9,"dropout":0.0,
#    "test_time_scaling":true,"layer_overrides":[],"eval_batch_stats":false,"loss":"softmax",
#    "hinge_margin":1.0,"l2":0.0,"l1":0.0,"optimizer":"adam","learning_rate":0.01,"momentum":0.9,
#    "nesterov":false,"beta1":0.9,"beta2":0.999,"eps":1e-8,"schedule":"constant","decay_every":20,
#    "decay_factor":0.5,"batch_size":32,"epochs":40,"patience":0,"ensemble":1,"lab_depth":10,
#    "lab_width":500,"lab_batch":1000,"lab_activation":"tanh","lab_init":"xavier"}

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

OVERFIT_VERSION = "0.1.0"

# The exported configuration, with Overfit's field names. Numbers (learning rate, epochs, dropout,
# widths...) and the layer and loss choices can be edited here; to change the dataset kind, export
# again from Overfit, because the data code below was generated for this one.
CONFIG = {
    # data
    "dataset": "digits",
    "classes": 3,
    "points": 600,
    "noise": 0.1,
    "val_fraction": 0.3,
    "seed": 1,
    "preprocess": "standardize",
    "label_noise": 0.0,
    "train_per_class": 0,
    "image_size": 16,
    "color": False,
    "clutter": 0.2,
    # augmentation (image datasets, per training batch) and test-time views
    "hflip": 0.0,
    "vflip": 0.0,
    "crop_pad": 0,
    "padding": "zero",
    "translate": 0,
    "brightness": 0.0,
    "contrast": 0.0,
    "test_time": "none",
    # architecture
    "hidden": [64, 64],
    "activation": "relu",
    "leaky_slope": 0.01,
    "maxout_k": 2,
    "init": "he",
    "init_scale": 0.01,
    "norm": "none",
    "norm_position": "before",
    "bn_momentum": 0.9,
    "dropout": 0.0,
    "test_time_scaling": True,
    "layer_overrides": [],
    "eval_batch_stats": False,
    # objective
    "loss": "softmax",
    "hinge_margin": 1.0,
    "l2": 0.0,
    "l1": 0.0,
    # optimization
    "optimizer": "adam",
    "learning_rate": 0.01,
    "momentum": 0.9,
    "nesterov": False,
    "beta1": 0.9,
    "beta2": 0.999,
    "eps": 1e-8,
    "schedule": "constant",
    "decay_every": 20,
    "decay_factor": 0.5,
    "batch_size": 32,
    "epochs": 40,
    "patience": 0,
    "ensemble": 1,
    # Overfit's init lab (not used by this script)
    "lab_depth": 10,
    "lab_width": 500,
    "lab_batch": 1000,
    "lab_activation": "tanh",
    "lab_init": "xavier",
}

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


# ============================================================================================
# The train/validation split (Overfit's src/data/mod.rs)
# ============================================================================================


def split_indices(labels, classes, cfg, rng):
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
    if noise > 0.0:
        for j in range(len(train_labels)):
            if rng.uniform() < noise:
                train_labels[j] = rng.below(classes)
    return val_idx, train_idx, train_labels


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


# ============================================================================================
# Building the dataset: generate or load, split, pre-process with training statistics only
# ============================================================================================


class Data:
    """Both splits, raw (for augmentation) and pre-processed (for the network)."""

    def __init__(self, raw, labels, classes, image, cfg, rng):
        self.classes = classes
        self.image = image  # (height, width, channels) for images, None for 2D points.
        self.features = raw.shape[1]
        val_idx, train_idx, train_labels = split_indices(labels, classes, cfg, rng)
        self.train_raw = raw[train_idx]
        self.val_raw = raw[val_idx]
        self.train_y = torch.tensor(train_labels, dtype=torch.long)
        self.val_y = torch.tensor([labels[i] for i in val_idx], dtype=torch.long)
        self.shift, self.scale = fit_preprocess(cfg["preprocess"], self.train_raw, image)
        self.train_x = self.preprocess(self.train_raw)
        self.val_x = self.preprocess(self.val_raw)

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
    # All 1,797 images are used; "points" does not apply to the digits.
    raw, labels = load_digits(args.digits)
    return Data(raw, labels, 10, (8, 8, 1), cfg, rng)


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


def num_outputs(cfg, classes):
    return 1 if cfg["loss"] == "logistic" else classes


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
    if cfg["loss"] == "logistic":
        p = torch.sigmoid(scores[:, 0])
        return torch.stack([1.0 - p, p], dim=1)
    return torch.softmax(scores, dim=1)


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
    if len(members) == 1 and len(views) == 1:
        scores = scores_of(members[0].model, views[0], chunk)
        loss = loss_sum(cfg, scores, y).item() / n
        acc = (predictions(cfg, scores) == y).double().mean().item()
        result = loss, acc, [acc]
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
        result = loss, acc, member_acc
    for m, state in zip(members, saved):
        leave_evaluation(m.model, state)
    return result


def training_batch(data, rows, shard, cfg, augment_rng):
    """The inputs and labels of this process's share of one batch. Augmentation (images only) is
    drawn for every row of the batch, so each process's stream stays in step with Overfit's."""
    if augmentation_active(cfg):
        draws = [draw_augmentation(cfg, augment_rng) for _ in rows]
        index = torch.tensor(rows[shard], dtype=torch.long, device=data.train_raw.device)
        x = data.preprocess(augment(data.train_raw[index], draws[shard], cfg, data.image))
        return x, data.train_y[index]
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
    parser.add_argument(
        "--digits",
        default=str(Path(__file__).resolve().parent / "data" / "digits.bin"),
        help="Overfit's data/digits.bin (default: data/digits.bin next to this script)",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = dict(CONFIG)
    if args.epochs is not None:
        cfg["epochs"] = args.epochs
    if args.seed is not None:
        cfg["seed"] = args.seed
    rank, world, device = setup_distributed(args)
    ddp = world > 1
    started = time.time()
    # Dropout masks come from PyTorch's generator; each process gets its own masks.
    torch.manual_seed(cfg["seed"] + rank)

    # The same streams as Overfit: data first, then one per member, then order and augmentation.
    root = Pcg32(cfg["seed"], 0)
    data = build_data(cfg, args, root.fork(STREAM_DATA))
    members = [
        Member(cfg, data, root.fork(STREAM_MEMBER + k), device, ddp)
        for k in range(cfg["ensemble"])
    ]
    order_rng = root.fork(STREAM_ORDER)
    augment_rng = root.fork(STREAM_AUGMENT)
    data.to(device)
    train_views, val_views = test_views(data, "train", cfg), test_views(data, "val", cfg)

    n = len(data.train_y)
    batch_size = cfg["batch_size"]
    order = list(range(n))  # Shuffled again at every epoch start, as Overfit does.
    step = epoch = 0
    history = []
    best_loss, best_state, since_best = None, None, 0
    last_good = [m.snapshot() for m in members]
    stopped, diverged_at = False, None

    while epoch < cfg["epochs"] and not stopped and diverged_at is None:
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
        train_loss, train_acc, _ = evaluate(members, train_views, data.train_y, cfg)
        val_loss, val_acc, member_acc = evaluate(members, val_views, data.val_y, cfg)
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
        history.append(record)
        if rank == 0:
            print(json.dumps(record, separators=(",", ":")), flush=True)
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
    summary = {
        "epochs": epoch,
        "steps": step,
        "final_train_acc": last.get("train_acc"),
        "final_val_acc": last.get("val_acc"),
        "final_train_loss": last.get("train_loss"),
        "final_val_loss": last.get("val_loss"),
        "best_epoch": best.get("epoch"),
        "best_val_acc": best.get("val_acc"),
        "early_stopped": stopped,
        "diverged_at_step": diverged_at,
        "parameters": sum(p.numel() for p in members[0].model.parameters()),
        "seconds": time.time() - started,
    }
    if rank == 0:
        print(json.dumps({"summary": summary}, sort_keys=True, separators=(",", ":")), flush=True)
    if ddp:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
