"""Kernel math that does not depend on the device, compiled by each device's loops.

Every backend (``kernels/cpu``, ``kernels/cuda``) imports from here what it would otherwise have to
write twice: the shape arithmetic of the losses (``shape``), and each elementwise loss's element
function with its host-level ``forward`` (``<loss>.py``: the math and derivation of mse_loss,
l1_loss, ...), which a backend's ``load`` binds to its own elementwise loop when it has no module of
that name itself. The element functions are plain Numba functions inlined into the loop that calls
them, on either target; the float32 exp/log stand-ins they call live in ``kernels/cpu/_vecmath.py``
(the CPU's vectorisable polynomials) and compile to libdevice on the GPU (``kernels/cuda/_math.py``).
Nothing here launches work or allocates device memory.
"""
