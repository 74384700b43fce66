"""Device kernels. ``kernels.cpu`` (Numba, Cython) and ``kernels.cuda`` (numba.cuda) expose the same
host-level function names and arguments, so the ops above them never branch on the device."""
