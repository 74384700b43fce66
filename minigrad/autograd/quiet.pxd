# Cython declarations for quiet.py (pure-Python mode).
cpdef ignore_errors()
cpdef restore(token)
