# Cython declarations for tensor_core.py (pure-Python mode): the fields as a C struct.
cimport cython


cdef class TensorCore:
    cdef public object _data, _device, _requires_grad, _grad, _grad_fn, _version, _retains_grad


@cython.locals(t=TensorCore)
cpdef TensorCore make(arr, device, requires_grad=*, cls=*)
