# Cython declarations for engine.py (pure-Python mode): C calls between the sweep's helpers.
cimport cython
from minigrad.tensor_core cimport TensorCore, make
from minigrad.autograd.quiet cimport ignore_errors, restore


@cython.locals(i=Py_ssize_t, fresh=bint, check_nan=bint)
cpdef run(tensors, grads, retain_graph=*, capture=*, seeded=*)

cdef _seeded_backward(node, g)
cdef bint _apart(gi, g) except -1
cdef bint _distinct(tuple arrays) except -1
cdef bint _hooked(t) except -1
cdef _reach_leaf(t, g, captured, held, edges, bint owned=*)
cdef _deliver_hooked(t, g, captured)
cdef _deliver(t, g, captured, bint owned=*)

@cython.locals(t=TensorCore)
cpdef _accumulate(t, g, bint owned=*)

cdef list _as_list(x)
cdef _root_grads(outputs, grad_outputs)
