# Cython declarations for op.py (pure-Python mode): typed locals on the per-call path.
cimport cython
from minigrad.tensor_core cimport TensorCore, make
from minigrad.autograd.quiet cimport ignore_errors, restore


cdef class _Edge:
    cdef public object _grad_fn, _requires_grad, shape, dtype


@cython.locals(first=TensorCore, second=TensorCore, t=TensorCore, result=TensorCore, n=Py_ssize_t,
               requires=bint)
cpdef apply(cls, tuple inputs, dict options)

@cython.locals(result=TensorCore)
cpdef record(node, inputs, result)

cpdef as_edge(t)
