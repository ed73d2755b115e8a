"""Two-dimensional convolution (cross-correlation, as PyTorch computes it), as k_h·k_w matrix products.

y[n, o, i, j] = bias[o] + Σ_c Σ_a Σ_b weight[o, c, a, b] · x̃[n, c, s_h·i + a, s_w·j + b]

where x̃ is the input padded by (p_h, p_w) on each side, with zeros ("zeros") or by wrapping
around ("circular": x̃[.., r, .] = x[.., (r − p_h) mod H, .], the padding under which a stride-1
convolution with p = (k − 1)/2 is translation-equivariant on the torus).

How it is computed, with no loop over pixels: x̃ is laid out channel-major, X = (C_in, N·H̃·W̃),
one row per channel. Shifting the image by the kernel offset (a, b) is then shifting the
flattened row by a·W̃ + b, a contiguous slice, so the stride-1 output on the whole padded grid
is Σ_{a,b} weight[:, :, a, b] · X[:, a·W̃ + b : a·W̃ + b + L], k_h·k_w matrix products of
(C_out, C_in) by (C_in, L) with no im2col copy; the grid positions whose window runs over the
border, and with a stride the skipped positions, are dropped afterwards. Backward is the
transpose of each product: ∂l/∂weight[:, :, a, b] = dY · X[:, shifted]ᵀ and
∂l/∂X[:, shifted] += weight[:, :, a, b]ᵀ · dY, dY being ∂l/∂y on the padded grid (zero where
y was dropped); then the padding is folded back (dropped for zeros, wrapped onto the opposite
border for circular).
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from . import init
from .module import Module, check_array, default_generator, float_dtype

__all__ = ["Conv2d"]

PADDING_MODES = ("zeros", "circular")


def _pair(value, name: str, *, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, each ≥ ``minimum``; TypeError/ValueError naming ``name``."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, not {value!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, Integral):
            raise TypeError(f"{name} must be an int or a pair of ints, not {value!r}")
        if item < minimum:
            raise ValueError(f"{name} must be at least {minimum}, not {value!r}")
    return int(items[0]), int(items[1])


@dataclass
class _ConvCache:
    rows: np.ndarray             # (C_in, N·H̃·W̃): the padded input, channel-major
    input_shape: tuple[int, ...]  # (N, C_in, H, W), before padding
    padded_hw: tuple[int, int]
    output_hw: tuple[int, int]
    unbatched: bool


class Conv2d(Module):
    """torch.nn.Conv2d without groups or dilation.

    Shapes: x (N, C_in, H, W) or (C_in, H, W) → y (N, C_out, H_out, W_out) or (C_out, H_out, W_out),
    H_out = ⌊(H + 2p_h − k_h)/s_h⌋ + 1 (likewise W_out). ``weight`` (C_out, C_in, k_h, k_w), ``bias``
    (C_out,) or None. Initialised as PyTorch does: every entry of weight and bias uniform on
    (−1/√fan_in, 1/√fan_in), fan_in = C_in·k_h·k_w (kaiming_uniform_ with a = √5), weight first.
    ``padding_mode`` "zeros" or "circular" (circular padding needs p ≤ the input's size, as in
    PyTorch). The input must have the parameters' dtype.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 padding_mode: str = "zeros", bias: bool = True, *, generator: np.random.Generator | None = None,
                 dtype=np.float64) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", minimum=1)
        self.stride = _pair(stride, "stride", minimum=1)
        self.padding = _pair(padding, "padding", minimum=0)
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {PADDING_MODES}, not {padding_mode!r}")
        self.padding_mode = padding_mode
        rng = default_generator() if generator is None else generator
        weight = np.empty((self.out_channels, self.in_channels) + self.kernel_size, dtype=dtype)
        init.kaiming_uniform_(weight, a=np.sqrt(5.0), generator=rng)
        self.register_parameter("weight", weight)
        bound = 1.0 / np.sqrt(self.in_channels * self.kernel_size[0] * self.kernel_size[1])
        self.register_parameter("bias", rng.uniform(-bound, bound, self.out_channels).astype(dtype) if bias else None)

    def _padded_rows(self, x: np.ndarray) -> np.ndarray:
        """The padded input, channel-major: (C_in, N, H̃, W̃), contiguous."""
        (ph, pw), (n, c, h, w) = self.padding, x.shape
        channel_major = x.transpose(1, 0, 2, 3)
        if self.padding_mode == "circular":
            if ph > h or pw > w:
                raise ValueError(f"padding {self.padding} is larger than the input's size {(h, w)}: circular "
                                 "padding wraps around at most once")
            return np.pad(channel_major, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="wrap")
        padded = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
        padded[:, :, ph:ph + h, pw:pw + w] = channel_major
        return padded

    def _offsets(self, padded_w: int):
        """(a, b, a·W̃ + b) for every kernel offset."""
        kh, kw = self.kernel_size
        return [(a, b, a * padded_w + b) for a in range(kh) for b in range(kw)]

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=3, features=self.in_channels, feature_axis=-3)
        if x.ndim > 4:
            raise ValueError(f"input must be (N, C_in, H, W) or (C_in, H, W), not shape {x.shape}")
        self.check_dtype(x)
        unbatched = x.ndim == 3
        x4 = x[None] if unbatched else x
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        hp, wp = x4.shape[2] + 2 * ph, x4.shape[3] + 2 * pw
        if kh > hp or kw > wp:
            raise ValueError(f"kernel_size {self.kernel_size} is larger than the padded input {(hp, wp)} "
                             f"(input {x4.shape[2:]}, padding {self.padding})")
        n = x4.shape[0]
        rows = self._padded_rows(x4).reshape(self.in_channels, -1)
        span = rows.shape[1] - ((kh - 1) * wp + kw - 1)  # grid positions whose whole window is in the rows
        taps = self.params["weight"].transpose(2, 3, 0, 1)  # (kh, kw, C_out, C_in)
        grid = np.zeros((self.out_channels, rows.shape[1]), dtype=x.dtype)
        for a, b, shift in self._offsets(wp):
            grid[:, :span] += taps[a, b] @ rows[:, shift:shift + span]
        ho, wo = (hp - kh) // sh + 1, (wp - kw) // sw + 1
        y = grid.reshape(self.out_channels, n, hp, wp)[:, :, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw]
        y = np.ascontiguousarray(y.transpose(1, 0, 2, 3))
        if "bias" in self.params:
            y += self.params["bias"][:, None, None]
        y = y[0] if unbatched else y
        self._save(_ConvCache(rows, x4.shape, (hp, wp), (ho, wo), unbatched), y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        dy = grad_output[None] if cache.unbatched else grad_output
        (kh, kw), (sh, sw), (hp, wp), (ho, wo) = self.kernel_size, self.stride, cache.padded_hw, cache.output_hw
        n, c, h, w = cache.input_shape
        if "bias" in self.params:
            self.grads["bias"] += dy.sum(axis=(0, 2, 3))
        grid = np.zeros((self.out_channels, n, hp, wp), dtype=dy.dtype)
        grid[:, :, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw] = dy.transpose(1, 0, 2, 3)
        rows = cache.rows
        span = rows.shape[1] - ((kh - 1) * wp + kw - 1)
        grid = grid.reshape(self.out_channels, -1)[:, :span]
        taps_t = self.params["weight"].transpose(2, 3, 1, 0)  # (kh, kw, C_in, C_out)
        grad_weight = self.grads["weight"]
        grad_rows = np.zeros_like(rows)
        for a, b, shift in self._offsets(wp):
            grad_weight[:, :, a, b] += grid @ rows[:, shift:shift + span].T
            grad_rows[:, shift:shift + span] += taps_t[a, b] @ grid
        grad_input = self._unpad(grad_rows.reshape(c, n, hp, wp), (h, w)).transpose(1, 0, 2, 3)
        grad_input = np.ascontiguousarray(grad_input)
        return grad_input[0] if cache.unbatched else grad_input

    def _unpad(self, grad_padded: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The gradient with respect to the unpadded input (C, N, H, W): the border dropped (zeros)
        or wrapped onto the opposite border (circular)."""
        (ph, pw), (h, w) = self.padding, size
        if self.padding_mode == "zeros":
            return grad_padded[:, :, ph:ph + h, pw:pw + w]
        rows = grad_padded[:, :, ph:ph + h, :].copy()
        rows[:, :, h - ph:, :] += grad_padded[:, :, :ph, :]       # the top border wraps from the bottom rows
        rows[:, :, :ph, :] += grad_padded[:, :, ph + h:, :]       # the bottom border wraps from the top rows
        out = rows[:, :, :, pw:pw + w].copy()
        out[:, :, :, w - pw:] += rows[:, :, :, :pw]
        out[:, :, :, :pw] += rows[:, :, :, pw + w:]
        return out

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, padding_mode={self.padding_mode!r}, bias={'bias' in self.params}")
