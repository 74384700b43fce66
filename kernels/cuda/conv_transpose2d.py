"""2-D transposed convolution on device arrays, the CUDA twin of ``kernels/cpu/conv_transpose2d.py``
(same functions, arguments and results): the adjoint of ``conv2d.py``'s convolution on its kernels.
The forward is conv2d's grad_x product (a gather over the taps, no atomics) with the bias added as
it stores; the backward is conv2d's forward (grad_x) and grad_W product, and its bias reduction."""
from ..cpu.conv_transpose2d import _pads, adjoint_backward, conv_transpose2d_output_size
from ._host import empty
from ._launch import launch
from .conv2d import _GRAD_X, _Geometry, _grad_bias_kernel, _product, conv2d_backward, conv2d_forward


def conv_transpose2d_forward(x, weight, bias, stride, padding, output_padding, dilation, groups):
    N, _, H, W = x.shape
    out_hw = tuple(conv_transpose2d_output_size(n, k, s, p, o, d) for n, k, s, p, o, d in
                   zip((H, W), weight.shape[2:], stride, padding, output_padding, dilation))
    cout = weight.shape[1] * groups
    geo = _Geometry((N, cout) + out_hw, tuple(weight.shape), stride, _pads(padding, output_padding), dilation,
                    groups)
    out = empty((N, cout) + out_hw, x.dtype)
    HW = out_hw[0] * out_hw[1]
    # x stands where the product reads grad_out (and, unread in this mode, the input)
    _product(_GRAD_X, x, weight, x, empty(0, x.dtype) if bias is None else bias, out.reshape(N, cout, HW),
             N * groups, cout // groups, HW, geo.OCg * geo.kernel[0] * geo.kernel[1], geo.kernel, out_hw, geo)
    return out


def _bias_grad(grad_out):
    grad_b = empty(grad_out.shape[1], grad_out.dtype)
    if grad_b.size:
        launch(_grad_bias_kernel, grad_b.size, True, grad_out, grad_b)
    return grad_b


def conv_transpose2d_backward(grad_out, x, weight, stride, padding, output_padding, dilation, groups, needs):
    return adjoint_backward(conv2d_forward, conv2d_backward, _bias_grad, grad_out, x, weight, stride, padding,
                            output_padding, dilation, groups, needs)
