"""torch.linalg: vector_norm, matrix_norm, norm and cross against torch."""
import math

import pytest
import torch

import minigrad
from tests.ops.op_cases import rand, table_test

CASES = {
    "vector_norm": (lambda lib, a: lib.linalg.vector_norm(a), [rand(3, 4)]),
    "vector_norm_p3_dim": (lambda lib, a: lib.linalg.vector_norm(a, 3, dim=1, keepdim=True), [rand(3, 4)]),
    "vector_norm_inf": (lambda lib, a: lib.linalg.vector_norm(a, math.inf, dim=(0, 1)), [rand(2, 3, 2)]),
    "vector_norm_1": (lambda lib, a: lib.linalg.vector_norm(a, 1, dim=-1), [rand(2, 5)]),
    "matrix_norm_fro": (lambda lib, a: lib.linalg.matrix_norm(a), [rand(2, 3, 4)]),
    "matrix_norm_1": (lambda lib, a: lib.linalg.matrix_norm(a, 1), [rand(3, 4)]),
    "matrix_norm_-1": (lambda lib, a: lib.linalg.matrix_norm(a, -1, keepdim=True), [rand(2, 3, 4)]),
    "matrix_norm_inf": (lambda lib, a: lib.linalg.matrix_norm(a, math.inf, dim=(0, 2)), [rand(3, 2, 4)]),
    "matrix_norm_-inf": (lambda lib, a: lib.linalg.matrix_norm(a, -math.inf), [rand(4, 3)]),
    "norm_default": (lambda lib, a: lib.linalg.norm(a), [rand(2, 3, 4)]),
    "norm_vector_ord": (lambda lib, a: lib.linalg.norm(a, 0.5), [rand(5)]),
    "norm_matrix_ord": (lambda lib, a: lib.linalg.norm(a, "fro"), [rand(3, 4)]),
    "norm_dim_int": (lambda lib, a: lib.linalg.norm(a, 2, dim=1), [rand(3, 4)]),
    "cross": (lambda lib, a, b: lib.linalg.cross(a, b), [rand(4, 3), rand(1, 3)]),
}


test_linalg = table_test(CASES)


@pytest.mark.parametrize("call", [
    lambda lib: lib.linalg.vector_norm(lib.tensor([1, 2])),
    lambda lib: lib.linalg.matrix_norm(lib.ones(3)),
    lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 2),
    lambda lib: lib.linalg.cross(lib.ones(2, 2), lib.ones(2, 2)),
], ids=lambda f: "")
def test_errors_match_torch(call):
    errors = []
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            call(lib)
        errors.append(str(info.value).split("\n")[0])
    assert errors[0] == errors[1]
