"""``torch.distributed`` on MPI (mpi4py; ``pip install 'minigrad[dist]'`` brings it with the MPICH wheel).

MPI starts the processes and numbers them; ``init_process_group`` joins. Launch with
``minigrad run -n N script.py``, ``minigrad torchrun --nproc-per-node N script.py``, ``mpiexec`` or
``srun``. Importing this package does not import mpi4py: ``init_process_group`` does.
"""
from .collectives import (
    Work, all_gather, all_gather_into_tensor, all_gather_object, all_reduce, barrier, broadcast,
    broadcast_object_list, gather, irecv, isend, recv, reduce, reduce_scatter_tensor, scatter, send,
)
from .process_group import (
    Backend, GroupMember, ProcessGroup, ReduceOp, destroy_process_group, get_backend, get_rank, get_world_size,
    group, init_process_group, is_available, is_initialized, new_group,
)


def is_mpi_available():
    return is_available()


def is_gloo_available():
    return is_available()


def is_nccl_available():
    """False: NCCL is not wired in (CUDA tensors go through host memory)."""
    return False


def is_torchelastic_launched():
    """Whether the process was started by a torchrun-style launcher (``TORCHELASTIC_RUN_ID`` set)."""
    import os
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None
