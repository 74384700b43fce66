"""2-D transposed convolution: the adjoint of ``conv2d.py``'s convolution, on its kernels.

A transposed convolution with weight W (C_in, C_out/G, kh, kw) maps x (N, C_in, H, W) to
out (N, C_out, OH, OW), OH = (H − 1)·s − 2p + d·(kh − 1) + output_padding + 1, as the gradient of
the convolution c(y) = conv2d(y, W) (a y of out's shape, to C_in channels) with respect to its
input: out = c'ᵀ x. With top pad p and bottom pad p − output_padding that convolution maps OH rows
back to exactly H, so

    out     = conv2d's grad_input(x, W)            (col2im of Wᵀ x, or the flipped convolution)
    grad_x  = conv2d(grad_out, W)                  (the convolution c itself)
    grad_W  = conv2d's grad_weight(grad_out = x, input = grad_out)
    grad_b  = Σ_{n, oh, ow} grad_out
"""
import numpy as np

from .conv2d import _Geometry, _grad_input, conv2d_backward, conv2d_forward


def _pads(padding, output_padding):
    (ph, pw), (oh, ow) = padding, output_padding
    return ph, ph - oh, pw, pw - ow


def conv_transpose2d_output_size(in_size, kernel, stride, pad, output_padding, dilation):
    """(in − 1)·s − 2p + d·(k − 1) + output_padding + 1."""
    return (in_size - 1) * stride - 2 * pad + dilation * (kernel - 1) + output_padding + 1


def conv_transpose2d_forward(x, weight, bias, stride, padding, output_padding, dilation, groups):
    N, _, H, W = x.shape
    out_hw = tuple(conv_transpose2d_output_size(n, k, s, p, o, d) for n, k, s, p, o, d in
                   zip((H, W), weight.shape[2:], stride, padding, output_padding, dilation))
    cout = weight.shape[1] * groups
    geo = _Geometry((N, cout) + out_hw, weight.shape, stride, _pads(padding, output_padding), dilation, groups)
    out = _grad_input(np.ascontiguousarray(x), np.ascontiguousarray(weight), geo)
    if bias is not None:
        out += bias.reshape(cout, 1, 1)
    return out


def adjoint_backward(conv_forward, conv_backward, bias_grad, grad_out, x, weight, stride, padding, output_padding,
                     dilation, groups, needs):
    """(grad_x, grad_w, grad_b), None where ``needs`` is false, from a backend's conv2d functions and
    its bias reduction (module docstring); the CUDA twin runs it with its own."""
    pads = _pads(padding, output_padding)
    grad_x = grad_w = grad_b = None
    if needs[0]:
        grad_x = conv_forward(grad_out, weight, None, stride, pads, dilation, groups)[0]
    if needs[1]:
        grad_w = conv_backward(x, grad_out, weight, None, stride, pads, dilation, groups, (False, True, False))[1]
    if len(needs) > 2 and needs[2]:
        grad_b = bias_grad(grad_out)
    return grad_x, grad_w, grad_b


def conv_transpose2d_backward(grad_out, x, weight, stride, padding, output_padding, dilation, groups, needs):
    return adjoint_backward(conv2d_forward, conv2d_backward, lambda g: g.sum(axis=(0, 2, 3)),
                            np.ascontiguousarray(grad_out), x, weight, stride, padding, output_padding, dilation,
                            groups, needs)
