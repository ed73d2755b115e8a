"""Two-dimensional convolution (cross-correlation, as PyTorch computes it), by im2col.

y[n, o, i, j] = bias[o] + Σ_c Σ_a Σ_b weight[o, c, a, b] · x̃[n, c, s_h·i + a, s_w·j + b]

where x̃ is the input padded by (p_h, p_w) on each side, with zeros ("zeros") or by wrapping
around ("circular": x̃[.., r, .] = x[.., (r − p_h) mod H, .], the padding under which a stride-1
convolution with p = (k − 1)/2 is translation-equivariant on the torus). The window sums are
one matrix product: the windows of x̃ (``sliding_window_view``) are copied into columns
(N·H_out·W_out, C_in·k_h·k_w) and multiplied by weight reshaped to (C_out, C_in·k_h·k_w).
Backward is the transpose: ∂l/∂weight = dyᵀ·columns, ∂l/∂columns = dy·weight, scattered back
onto x̃ one kernel offset (a, b) at a time (k_h·k_w slice additions, no loop over pixels), and
the padding folded back (dropped for zeros, wrapped onto the opposite border for circular).
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import init
from .module import Module, check_array, default_generator

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
    columns: np.ndarray          # (N·H_out·W_out, C_in·k_h·k_w)
    input_shape: tuple[int, ...]  # (N, C_in, H, W), before padding
    padded_shape: tuple[int, ...]
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

    def _pad(self, x: np.ndarray) -> np.ndarray:
        (ph, pw), (h, w) = self.padding, x.shape[2:]
        if ph == pw == 0:
            return x
        if self.padding_mode == "circular":
            if ph > h or pw > w:
                raise ValueError(f"padding {self.padding} is larger than the input's size {(h, w)}: circular "
                                 "padding wraps around at most once")
            return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="wrap")
        return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=3, features=self.in_channels, feature_axis=-3)
        if x.ndim > 4:
            raise ValueError(f"input must be (N, C_in, H, W) or (C_in, H, W), not shape {x.shape}")
        self.check_dtype(x)
        unbatched = x.ndim == 3
        x4 = x[None] if unbatched else x
        padded = self._pad(x4)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        hp, wp = padded.shape[2:]
        if kh > hp or kw > wp:
            raise ValueError(f"kernel_size {self.kernel_size} is larger than the padded input {(hp, wp)} "
                             f"(input {x4.shape[2:]}, padding {self.padding})")
        windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, kh, kw)
        n, ho, wo = x4.shape[0], windows.shape[2], windows.shape[3]
        columns = np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5)).reshape(n * ho * wo, -1)
        flat = columns @ self.params["weight"].reshape(self.out_channels, -1).T  # (N·Ho·Wo, C_out)
        if "bias" in self.params:
            flat += self.params["bias"]
        y = np.ascontiguousarray(flat.reshape(n, ho, wo, self.out_channels).transpose(0, 3, 1, 2))
        y = y[0] if unbatched else y
        self._save(_ConvCache(columns, x4.shape, padded.shape, (ho, wo), unbatched), y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        dy = grad_output[None] if cache.unbatched else grad_output
        flat_dy = dy.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)  # (N·Ho·Wo, C_out)
        weight = self.params["weight"]
        self.grads["weight"] += (flat_dy.T @ cache.columns).reshape(weight.shape)
        if "bias" in self.params:
            self.grads["bias"] += flat_dy.sum(axis=0)
        n, c, _, _ = cache.input_shape
        (kh, kw), (sh, sw), (ho, wo) = self.kernel_size, self.stride, cache.output_hw
        grad_columns = (flat_dy @ weight.reshape(self.out_channels, -1)).reshape(n, ho, wo, c, kh, kw)
        grad_columns = grad_columns.transpose(0, 3, 4, 5, 1, 2)  # (N, C, kh, kw, Ho, Wo)
        grad_padded = np.zeros(cache.padded_shape, dtype=grad_output.dtype)
        for a in range(kh):
            for b in range(kw):
                grad_padded[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw] += grad_columns[:, :, a, b]
        grad_input = self._unpad(grad_padded, cache.input_shape)
        return grad_input[0] if cache.unbatched else grad_input

    def _unpad(self, grad_padded: np.ndarray, input_shape) -> np.ndarray:
        """The gradient with respect to the unpadded input: the border dropped (zeros) or wrapped (circular)."""
        (ph, pw), (h, w) = self.padding, input_shape[2:]
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
