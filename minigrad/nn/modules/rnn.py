"""Recurrent layers ``RNN``, ``LSTM``, ``GRU`` and their one-step cells, with torch's parameter names,
shapes, initialisation and errors. Each layer and direction runs as one ``Recurrence`` op
(``minigrad/ops/rnn.py``): a BLAS input projection, then one compiled loop over time."""
import math
import numbers
import warnings

import numpy as np

from ... import creation
from ...ops.rnn import recurrence, stack
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, packed_from_padded, padded_from_packed, take_rows
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """The machinery shared by ``RNN``, ``LSTM`` and ``GRU`` (see those for the math)."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}")
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        D, gates = 2 if bidirectional else 1, _GATES[mode] * hidden_size
        real = proj_size or hidden_size
        self._all_weights = []
        for layer in range(num_layers):
            for d in range(D):
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                layer_input = input_size if layer == 0 else real * D
                shapes = {"weight_ih": (gates, layer_input), "weight_hh": (gates, real)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for name, shape in shapes.items():
                    setattr(self, name + suffix, Parameter(creation.empty(shape, device=device, dtype=dtype)))
                    names.append(name + suffix)
                self._all_weights.append(names)
        self._flat_weights_names = [n for names in self._all_weights for n in names]
        self.reset_parameters()

    def reset_parameters(self):
        """Every parameter from U(−1/√hidden_size, 1/√hidden_size), in registration order (torch's)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """Accepted for torch compatibility: the weights are already used in place."""

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def _layer_weights(self):
        """Per layer-direction (w_ih, w_hh, b_ih, b_hh, w_hr), absent ones None."""
        out = []
        for names in self._all_weights:
            p = {n.split("_l")[0]: getattr(self, n) for n in names}
            out.append(tuple(p.get(k) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")))
        return out

    def _hidden_shapes(self, batch):
        D = 2 if self.bidirectional else 1
        h = (self.num_layers * D, batch, self.proj_size or self.hidden_size)
        return h, (self.num_layers * D, batch, self.hidden_size)

    def _check_input(self, input, packed):  # noqa: A002
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). Convert "
                             f"input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        dims = 2 if packed else 3
        if input.dim() != dims:
            raise RuntimeError(f"input must have {dims} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def forward(self, input, hx=None):  # noqa: A002
        lstm = self.mode == "LSTM"
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        packed = isinstance(input, PackedSequence)
        hidden = (hx,) if hx is None or not lstm else tuple(hx)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            bs = np.asarray(batch_sizes.tolist(), dtype=np.int64)
            batched, B = True, int(bs[0])
            self._check_input(data, True)
            x = padded_from_packed(data, bs, len(bs))
            if hx is not None and sorted_indices is not None:
                hidden = tuple(take_rows(h, sorted_indices.tolist(), axis=1) for h in hidden)
        else:
            bs = None
            if not isinstance(input, Tensor):
                raise TypeError(f"{name}.forward(): input must be a Tensor or a PackedSequence, "
                                f"not {type(input).__name__}")
            if input.dim() not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                                 + (" tensor instead" if name == "RNN" else " instead"))
            batched = input.dim() == 3
            if hx is not None:
                dims = tuple(h.dim() for h in hidden)
                want = 3 if batched else 2
                if any(d != want for d in dims):
                    what = "hx and cx" if lstm else "hx"
                    got = f"({dims[0]}-D, {dims[1]}-D) tensors" if lstm else f"{dims[0]}-D tensor"
                    raise RuntimeError(f"For {'batched 3-D' if batched else 'unbatched 2-D'} input, {what} should "
                                       f"also be {want}-D but got {got}")
            x = input.unsqueeze(1) if not batched else input.transpose(0, 1) if self.batch_first else input
            if not batched and hx is not None:
                hidden = tuple(h.unsqueeze(1) for h in hidden)
            self._check_input(x, False)
            B = x.shape[1]
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        h_shape, c_shape = self._hidden_shapes(B)
        if hx is None:
            h0 = creation.zeros(h_shape, dtype=x.dtype, device=x.device)
            c0 = creation.zeros(c_shape, dtype=x.dtype, device=x.device) if lstm else None
        elif lstm:
            h0, c0 = hidden
            self._check_hidden(h0, h_shape, "Expected hidden[0] size {}, got {}")
            self._check_hidden(c0, c_shape, "Expected hidden[1] size {}, got {}")
        else:
            h0, c0 = hidden[0], None
            self._check_hidden(h0, h_shape)
        between = (lambda y: F.dropout(y, self.dropout, True)) if self.dropout and self.training else None
        out, h_n, c_n = stack(self.mode, x, h0, c0, self._layer_weights(), self.num_layers, self.bidirectional,
                              between, bs)
        states = (h_n,) if c_n is None else (h_n, c_n)
        if packed:
            out = PackedSequence(packed_from_padded(out, bs), batch_sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                states = tuple(take_rows(s, unsorted_indices.tolist(), axis=1) for s in states)
        elif not batched:
            out, states = out.squeeze(1), tuple(s.squeeze(1) for s in states)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, (states if lstm else states[0])

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


_LAYER_ARGS = """
    Args:
        input_size: features of the input x.
        hidden_size: features of the hidden state h.
        num_layers: stacked layers, each reading the previous one's output (default 1).
        bias: learn b_ih and b_hh (default ``True``).
        batch_first: input and output as ``(B, T, *)`` instead of ``(T, B, *)`` (not the states).
        dropout: dropout probability on every layer's output except the last (training only).
        bidirectional: a second direction reads the sequence backwards; outputs are concatenated.
        device, dtype: of the parameters.

    Input: ``input`` ``(T, B, input_size)`` (``(T, input_size)`` unbatched) or a ``PackedSequence``;
    the initial state (zeros when omitted) ``(D·num_layers, B, H_out)`` with D = 2 if bidirectional.
    Output: ``(T, B, D·H_out)`` (packed if the input was) and the final state of every layer-direction.

    Parameters (``_reverse`` for the second direction), all from U(−1/√hidden_size, 1/√hidden_size):
    ``weight_ih_l{k}`` ``(G·hidden_size, input_size or D·H_out)``, ``weight_hh_l{k}``
    ``(G·hidden_size, H_out)``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` ``(G·hidden_size,)``.
"""


class RNN(RNNBase):
    __doc__ = r"""Elman RNN, per layer and time step:

    .. math:: h_t = \tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})

    (``nonlinearity='relu'`` for ReLU). G = 1, H_out = hidden_size.
    """ + _LAYER_ARGS + """
    Example::

        >>> rnn = nn.RNN(10, 20, 2)
        >>> output, hn = rnn(minigrad.randn(5, 3, 10), minigrad.randn(2, 3, 20))
    """

    def __init__(self, *args, nonlinearity="tanh", **kwargs):
        if len(args) > 3:  # torch's positional order: input_size, hidden_size, num_layers, nonlinearity, ...
            nonlinearity, args = args[3], args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    __doc__ = r"""Long short-term memory, per layer and time step (σ the logistic function, ⊙ elementwise):

    .. math::
        i, f, g, o = σ(·), σ(·), \tanh(·), σ(·) \text{ of } x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh}
        c_t = f ⊙ c_{t-1} + i ⊙ g, \qquad h_t = o ⊙ \tanh(c_t)

    G = 4 (gate order i, f, g, o). With ``proj_size`` = P > 0, :math:`h_t = (o ⊙ \tanh c_t) W_{hr}^T` and
    H_out = P (``weight_hr_l{k}`` ``(P, hidden_size)``); else H_out = hidden_size. The state is a
    pair (h, c), c of size hidden_size.
    """ + _LAYER_ARGS + """
    Example::

        >>> lstm = nn.LSTM(10, 20, 2)
        >>> output, (hn, cn) = lstm(minigrad.randn(5, 3, 10))
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    __doc__ = r"""Gated recurrent unit, per layer and time step:

    .. math::
        r = σ(x W_{ir}^T + b_{ir} + h W_{hr}^T + b_{hr}), \quad z = σ(x W_{iz}^T + b_{iz} + h W_{hz}^T + b_{hz})
        n = \tanh(x W_{in}^T + b_{in} + r ⊙ (h W_{hn}^T + b_{hn})), \quad h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}

    G = 3 (gate order r, z, n), H_out = hidden_size.
    """ + _LAYER_ARGS + """
    Example::

        >>> gru = nn.GRU(10, 20, 2)
        >>> output, hn = gru(minigrad.randn(5, 3, 10))
    """

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """One time step of a recurrent layer: ``weight_ih`` ``(G·hidden, input)``, ``weight_hh``
    ``(G·hidden, hidden)``, ``bias_ih``/``bias_hh`` ``(G·hidden,)``, all from U(−1/√hidden, 1/√hidden)."""

    def __init__(self, mode, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        gates = _GATES[mode] * hidden_size
        self.weight_ih = Parameter(creation.empty((gates, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(creation.empty((gates, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(creation.empty(gates, device=device, dtype=dtype))
            self.bias_hh = Parameter(creation.empty(gates, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters

    def forward(self, input, hx=None):  # noqa: A002
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        hidden = () if hx is None else tuple(hx) if lstm else (hx,)
        for h in hidden:
            if h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected hx[0] to be 1D or 2D, got {h.dim()}D instead" if lstm else
                                 f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        hidden = tuple(h if batched else h.unsqueeze(0) for h in hidden)
        B = x.shape[0]
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}")
        if x.dtype != self.weight_ih.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {x.dtype} and {self.weight_ih.dtype}")
        if not hidden:
            zeros = creation.zeros((B, self.hidden_size), dtype=x.dtype, device=x.device)
            hidden = (zeros, zeros) if lstm else (zeros,)
        for k, h in enumerate(hidden):
            if h.shape[0] != B:
                raise RuntimeError(f"Input batch size {B} doesn't match hidden{k} batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, expected "
                                   f"{self.hidden_size}")
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, None)
        _, h, c = recurrence(self.mode, x.unsqueeze(0), hidden[0], hidden[1] if lstm else None, weights)
        if not batched:
            h, c = h.squeeze(0), (c.squeeze(0) if lstm else None)
        return (h, c) if lstm else h

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    r"""One Elman step :math:`h' = \tanh(x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh})` (or ReLU).

    Input ``(B, input_size)`` or ``(input_size)``, hidden ``(B, hidden_size)`` (zeros when omitted);
    returns h'. Parameters as ``RNNCellBase`` with G = 1.

    Example::

        >>> cell = nn.RNNCell(10, 20)
        >>> hx = cell(minigrad.randn(3, 10))
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, bias,
                         device, dtype)
        self.nonlinearity = nonlinearity


class LSTMCell(RNNCellBase):
    r"""One LSTM step (the gates, c' and h' of ``LSTM``); hidden is the pair (h, c), zeros when omitted;
    returns (h', c'). Parameters as ``RNNCellBase`` with G = 4 (i, f, g, o).

    Example::

        >>> cell = nn.LSTMCell(10, 20)
        >>> hx, cx = cell(minigrad.randn(3, 10))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)


class GRUCell(RNNCellBase):
    r"""One GRU step (r, z, n and h' of ``GRU``); returns h'. Parameters as ``RNNCellBase`` with G = 3
    (r, z, n).

    Example::

        >>> cell = nn.GRUCell(10, 20)
        >>> hx = cell(minigrad.randn(3, 10))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)
