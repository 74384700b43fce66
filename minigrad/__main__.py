"""``python -m minigrad run SCRIPT [ARGS...]`` (also the ``minigrad`` command): run an unchanged PyTorch
script on minigrad through the torch alias; ``-n N`` starts N ranks of it under MPI, as does ``minigrad torchrun
--nproc-per-node N SCRIPT`` (see ``minigrad.distributed.launch``). ``minigrad bench``: see ``minigrad.bench``;
``minigrad warmup``: see ``minigrad.warmup``.

The script runs as ``python SCRIPT [ARGS...]`` would run it: ``sys.argv`` is ``[SCRIPT, ARGS...]``,
``sys.path[0]`` is the script's folder, ``__name__`` is ``"__main__"``, and an uncaught exception prints
its traceback (without this runner's frames) and exits with status 1.
"""
import argparse
import builtins
import io
import os
import sys
import types
from importlib.machinery import SourceFileLoader


def _parser():
    parser = argparse.ArgumentParser(prog="minigrad", description="minigrad command-line tools")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a PyTorch script with `import torch` resolving to minigrad",
                         description="Run SCRIPT with `import torch` (and torch.nn, torch.optim, ...) resolving "
                                     "to minigrad, as `python SCRIPT ARGS...` would.")
    run.add_argument("-n", "--nproc", type=int, default=None,
                     help="start NPROC ranks under MPI (mpiexec), each running the script")
    run.add_argument("script", help="the Python file to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    from .distributed.launch import add_torchrun_arguments
    add_torchrun_arguments(sub.add_parser("torchrun", help="torchrun's single-node launcher, ranks started by MPI",
                                          description="Start --nproc-per-node ranks of SCRIPT under MPI with "
                                                      "torchrun's environment, each as `minigrad run SCRIPT`."))
    sub.add_parser("warmup", help="compile the common float32 kernels into the kernel cache",
                   description="Compile the kernels a first script most likely needs (float32 losses, layers, "
                               "optimizers) into Numba's on-disk cache; see minigrad.warmup.")
    from .bench import add_arguments
    add_arguments(sub.add_parser("bench", help="time minigrad against PyTorch on the benchmarks/ suite",
                                 description="Time minigrad against PyTorch on the benchmarks/ suite: a table, "
                                             "a CSV and a bar chart of the ratios."))
    return parser


def _script_frames(tb, path):
    """The traceback from the first frame inside the script: the runner's own frames dropped (None for an
    error before the script started, e.g. its SyntaxError, which the interpreter prints without frames)."""
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    return tb


def _exec_as_main(path):
    """Execute the file at ``path`` as the ``__main__`` module, the way ``python SCRIPT`` does.

    Not ``runpy.run_path``: it sets ``sys.argv[0]`` and ``__file__`` to the same string (``python
    SCRIPT`` gives the name as typed in one, the absolute path in the other) and puts the previous
    ``__main__`` back when the script returns, while atexit handlers and pickles made by the script
    still look for its module there."""
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __cached__=None, __builtins__=builtins,
                         __loader__=SourceFileLoader("__main__", path))
    sys.modules["__main__"] = main
    with io.open_code(path) as f:
        code = compile(f.read(), path, "exec")
    exec(code, main.__dict__)


def run(script, args):
    """Run ``script`` under the torch alias; returns the exit status for an uncaught exception."""
    from .compat import install_torch_alias
    path = os.path.abspath(script)
    if not os.path.isfile(path):
        print(f"{sys.executable}: can't open file {path!r}: [Errno 2] No such file or directory", file=sys.stderr)
        return 2
    from .distributed.launch import rank_environment
    rank_environment()
    install_torch_alias()
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(path)
    try:
        _exec_as_main(path)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - printed like the interpreter's own handler
        tb = _script_frames(exc.__traceback__, path)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    return 0


def main(argv=None):
    opts = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if opts.command == "bench":
        from .bench import main as bench
        sys.exit(bench(opts))
    if opts.command == "warmup":
        from .warmup import warmup
        warmup()
        sys.exit(0)
    if opts.command == "torchrun":
        from .distributed.launch import torchrun
        torchrun(opts)
    if opts.nproc is not None:
        from .distributed.launch import run_ranks
        run_ranks(opts.nproc, opts.script, opts.args)
    try:
        status = run(opts.script, opts.args)
    except SystemExit as exc:
        status = exc.code
    from .distributed.launch import end_rank
    end_rank(status)


if __name__ == "__main__":
    main()
