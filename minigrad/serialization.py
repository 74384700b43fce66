"""``torch.save`` / ``torch.load`` in torch's own file format, so checkpoints move both ways between
minigrad and PyTorch.

The format (torch >= 1.6): an uncompressed zip archive whose records sit under one folder
``<name>/`` (the file's stem, ``archive`` for a file object):

- ``data.pkl``: a protocol-2 pickle of the object in which a tensor is
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())``,
  a parameter ``torch._utils._rebuild_parameter(tensor, requires_grad, OrderedDict())``, dtypes,
  devices and sizes are ``torch.float32``, ``torch.device(...)``, ``torch.Size(...)``, and each
  storage is a persistent id ``('storage', torch.FloatStorage, key, location, numel)``;
- ``data/<key>``: a storage's raw bytes (little-endian), each aligned to 64 bytes in the file (a
  padding ``FB`` extra field in the local header, as torch pads), so ``mmap=True`` maps them in place;
- ``byteorder`` (``little``), ``version`` (``3``), ``.format_version``, ``.storage_alignment``,
  ``.data/serialization_id``.

Views of one array share one storage (offsets and strides in elements), so a view and its base load
as a view and its base. ``load`` unpickles with ``weights_only=True`` by default: only the globals
above, containers and primitives (plus ``add_safe_globals``) resolve; anything else raises
``pickle.UnpicklingError`` before it can run. ``load`` also reads torch's legacy pre-1.6 files
(``_load_legacy``); ``save`` writes the zip format only."""
import collections
import concurrent.futures
import contextlib
import io
import os
import pickle
import struct
import sys
import uuid
import zipfile
import zlib

import numpy as np

from . import dtypes
from .device import device as _device
from .nn.parameter import Parameter
from .tensor import Size, Tensor

DEFAULT_PROTOCOL = 2
_FORMAT_VERSION = 3  # what torch.save writes in ``version``
_MAX_READ_VERSION = 10  # the newest ``version`` torch 2.13 reads
_ALIGNMENT = 64
_ZIP64_LIMIT = 0xFFFFFFFF  # sizes and offsets from here on go in zip64 fields

_STORAGE_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
                  "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
                  "uint8": "ByteStorage", "bool": "BoolStorage"}
_STORAGE_DTYPES = {v: getattr(dtypes, k) for k, v in _STORAGE_NAMES.items()}
_BLOCKED_MODULES = {"os", "posix", "nt", "sys", "subprocess", "builtins", "__builtin__", "shutil", "socket",
                    "importlib", "runpy", "pty", "ctypes", "code", "pickle", "marshal", "types", "functools"}
_safe_globals = {}  # "module.name" -> object, from add_safe_globals


# ---- saving -------------------------------------------------------------------------------------
class _Global:
    """A name the pickle refers to (``module.name``), written as a GLOBAL opcode without importing it:
    ``torch._utils._rebuild_tensor_v2`` must be named even where torch is not installed."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's reduce requires a callable; only the name is ever used
        raise TypeError(f"{self.module}.{self.name} is a name in a checkpoint, not a function")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_TORCH_DEVICE = _Global("torch", "device")
_TORCH_SIZE = _Global("torch", "Size")
_STORAGE_GLOBALS = {k: _Global("torch", v) for k, v in _STORAGE_NAMES.items()}
_DTYPE_GLOBALS = {d.name: _Global("torch", d.name) for d in dtypes.ALL}


class _StorageRef:
    """One storage to write: ``key``, its bytes (a 1-D uint8 view or host copy), dtype, location."""

    def __init__(self, key, data, dtype, location):
        self.key, self.data, self.dtype, self.location = key, data, dtype, location


def _root(arr):
    """The array that owns ``arr``'s memory, or None when that memory is not one contiguous block."""
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    return root if root.flags.c_contiguous or root.flags.f_contiguous else None


class _Pickler(pickle._Pickler):
    """Pickles minigrad objects under torch's names; tensors' data go to ``self.storages``."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = {}  # identity of the memory block -> _StorageRef

    def _save_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = _save_global
    dispatch[dtypes.dtype] = lambda self, obj: self.save(_DTYPE_GLOBALS[obj.name])

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            numel = obj.data.nbytes // obj.dtype.itemsize
            return ("storage", _STORAGE_GLOBALS[obj.dtype.name], obj.key, obj.location, numel)
        return None

    def _storage(self, ident, data, dtype, location):
        ref = self.storages.get(ident)
        if ref is None:
            ref = self.storages[ident] = _StorageRef(str(len(self.storages)), data, dtype, location)
        return ref

    def _tensor_args(self, t):
        """``(storage, offset, size, stride)`` in elements: a view of its owner's memory where that
        is expressible (non-negative strides in whole elements), else a contiguous copy of its own."""
        dt = t.dtype
        item = dt.itemsize
        if t._device.type != "cpu":
            host = np.ascontiguousarray(t._host())
            ref = self._storage(("device", id(t._data)), host.reshape(-1).view(np.uint8), dt, str(t._device))
            return ref, 0, tuple(host.shape), _contiguous_strides(host.shape)
        arr = t._data
        root = _root(arr) if arr.size else None
        if root is not None:
            offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            strides = [s if n > 1 else item for s, n in zip(arr.strides, arr.shape)]
            if offset % item == 0 and all(s >= 0 and s % item == 0 for s in strides) and root.nbytes % item == 0:
                block = root.reshape(-1, order="A").view(np.uint8)
                ref = self._storage(("cpu", id(root), dt.name), block, dt, "cpu")
                return ref, offset // item, tuple(arr.shape), tuple(s // item for s in strides)
        own = np.ascontiguousarray(arr)
        ref = self._storage(("copy", id(t), dt.name), own.reshape(-1).view(np.uint8), dt, "cpu")
        return ref, 0, tuple(arr.shape), _contiguous_strides(arr.shape)

    def reducer_override(self, obj):
        if isinstance(obj, Parameter):
            return _REBUILD_PARAMETER, (obj.detach(), obj.requires_grad, collections.OrderedDict())
        if isinstance(obj, Tensor):
            storage, offset, size, stride = self._tensor_args(obj)
            return _REBUILD_TENSOR, (storage, offset, size, stride, obj.requires_grad, collections.OrderedDict())
        if isinstance(obj, _device):
            return _TORCH_DEVICE, (obj.type,) if obj.index is None else (obj.type, obj.index)
        if isinstance(obj, Size):
            return _TORCH_SIZE, (tuple(obj),)
        return NotImplemented


def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    return "archive"


class _ZipWriter:
    """A stored (uncompressed) zip archive written record by record, each record's data at a multiple
    of ``_ALIGNMENT`` in the file (padding in an ``FB`` extra field, as torch pads), with zip64 fields
    where a size or offset passes ``_ZIP64_LIMIT``. On a seekable file the CRC-32s are computed by a
    background thread while the data are written, and patched into the local headers at the end."""

    def __init__(self, file, name):
        self.f, self.name, self.entries = file, name, []  # entries: [name, offset, size, crc or future]
        self.seekable = file.seekable() if hasattr(file, "seekable") else False
        self.base = file.tell() if self.seekable else 0
        self.pos = 0
        self.crc_pool = concurrent.futures.ThreadPoolExecutor(1) if self.seekable else None

    def _put(self, data):
        self.f.write(data)
        self.pos += len(data)

    def write(self, record, data):
        name = f"{self.name}/{record}".encode()
        size = len(data)
        big = size >= _ZIP64_LIMIT
        zip64 = struct.pack("<HHQQ", 1, 16, size, size) if big else b""
        pad = -(self.pos + 30 + len(name) + len(zip64) + 4) % _ALIGNMENT
        extra = zip64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        crc = self.crc_pool.submit(zlib.crc32, data) if self.crc_pool else zlib.crc32(data)
        self.entries.append([name, self.pos, size, crc])
        field = 0xFFFFFFFF if big else size
        self._put(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, 0x800, 0, 0, 0x21, 0, field, field,
                              len(name), len(extra)) + name + extra)
        self._put(data)

    def close(self):
        central = io.BytesIO()
        for name, offset, size, crc in self.entries:
            if not isinstance(crc, int):
                crc = crc.result()
                self.f.seek(self.base + offset + 14)
                self.f.write(struct.pack("<I", crc))
            fields = ([size, size] if size >= _ZIP64_LIMIT else []) + ([offset] if offset >= _ZIP64_LIMIT else [])
            extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
            central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if fields else 20, 0x800, 0, 0, 0x21,
                                      crc, min(size, 0xFFFFFFFF), min(size, 0xFFFFFFFF), len(name), len(extra), 0, 0,
                                      0, 0, min(offset, 0xFFFFFFFF)) + name + extra)
        if self.crc_pool:
            self.crc_pool.shutdown()
            self.f.seek(self.base + self.pos)
        start, size, count = self.pos, central.tell(), len(self.entries)
        self._put(central.getbuffer())
        if start >= _ZIP64_LIMIT or size >= _ZIP64_LIMIT or count >= 0xFFFF:
            end64 = self.pos
            self._put(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
            self._put(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        self._put(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                              min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, parameters, modules' and optimizers' state dicts, containers, numbers,
    strings, whole objects) to ``f`` (a path, ``pathlib.Path`` or writable binary file) in torch's
    zip format (see the module's docstring)."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("minigrad writes only torch's zip format (_use_new_zipfile_serialization=True)")
    if pickle_module is not pickle:
        raise NotImplementedError("minigrad.save pickles with the standard pickle module only")
    buf = io.BytesIO()
    pickler = _Pickler(buf, pickle_protocol)
    pickler.dump(obj)
    opened = isinstance(f, (str, os.PathLike))
    target = open(f, "wb") if opened else f
    try:
        writer = _ZipWriter(target, _archive_name(f))
        writer.write("data.pkl", buf.getbuffer())
        writer.write(".format_version", b"1")
        writer.write(".storage_alignment", str(_ALIGNMENT).encode())
        if not _disable_byteorder_record:
            writer.write("byteorder", sys.byteorder.encode())
        for ref in pickler.storages.values():
            writer.write(f"data/{ref.key}", memoryview(ref.data))
        writer.write("version", f"{_FORMAT_VERSION}\n".encode())
        writer.write(".data/serialization_id", f"{uuid.uuid4().int:040d}"[:40].encode())
        writer.close()
    finally:
        if opened:
            target.close()


# ---- loading ------------------------------------------------------------------------------------
class _Storage:
    """A loaded storage: a 1-D array of its dtype and the device it belongs on. ``map_location``
    callables receive it and may return ``storage.cpu()`` / ``storage.cuda(i)`` / itself."""

    def __init__(self, array, device):
        self.array, self.device = array, _device(device)

    def cpu(self):
        return _Storage(self.array, "cpu")

    def cuda(self, device=None):
        index = 0 if device is None else device if isinstance(device, int) else _device(device).index or 0
        return _Storage(self.array, f"cuda:{index}")

    def to(self, device):
        return _Storage(self.array, device)

    def size(self):
        return self.array.size

    __len__ = size


class _StorageType:
    """What ``torch.FloatStorage`` & co. (and ``UntypedStorage``: bytes) name in a pickle: a dtype."""

    def __init__(self, dtype):
        self.dtype = dtype


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    """A tensor viewing ``storage`` (numpy checks that the view stays inside it)."""
    base = storage.array
    item = base.dtype.itemsize
    try:
        arr = np.ndarray(tuple(size), base.dtype, buffer=base, offset=storage_offset * item,
                         strides=tuple(s * item for s in stride))
    except (ValueError, TypeError) as exc:
        raise RuntimeError(f"corrupted checkpoint: a tensor of size {tuple(size)}, stride {tuple(stride)} and "
                           f"offset {storage_offset} does not fit its storage of {base.size} elements") from exc
    t = Tensor._make(arr)
    if storage.device.type != "cpu":
        t = t.to(storage.device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False, None)


def _rebuild_parameter(data, requires_grad, backward_hooks, *state):
    return Parameter(data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    return func(*args)


def _torch_globals():
    """What the names a weights-only checkpoint may hold stand for in minigrad: torch's rebuild
    functions, storage types, dtypes, ``device`` and ``Size``, and the few standard-library types
    torch's weights-only loader allows."""
    names = {("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
             ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
             ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
             ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
             ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
             ("torch", "device"): _device, ("torch", "Size"): Size, ("torch", "Tensor"): Tensor,
             ("torch.nn.parameter", "Parameter"): Parameter,
             ("torch.storage", "UntypedStorage"): _StorageType(dtypes.uint8),
             ("collections", "OrderedDict"): collections.OrderedDict,
             ("collections", "Counter"): collections.Counter,
             ("builtins", "set"): set, ("builtins", "complex"): complex, ("builtins", "bytearray"): bytearray,
             ("_codecs", "encode"): _latin1_encode}
    names.update({("torch", d.name): d for d in dtypes.ALL})
    names.update({("torch", v): _StorageType(d) for v, d in _STORAGE_DTYPES.items()})
    names.update({("torch.cuda", v): _StorageType(d) for v, d in _STORAGE_DTYPES.items()})
    return names


def _latin1_encode(text, encoding="latin1"):
    """``_codecs.encode`` as protocol-2 pickles use it for bytes (latin-1 only)."""
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"Weights only load failed: bytes encoded as {encoding!r} are not supported")
    return text.encode("latin1")


def _refuse(module, name):
    detail = (f"Trying to load unsupported GLOBAL {module}.{name} whose module {module} is blocked."
              if module.split(".")[0] in _BLOCKED_MODULES else
              f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by default. Please use "
              f"`torch.serialization.add_safe_globals([{name}])` or the "
              f"`torch.serialization.safe_globals([{name}])` context manager to allowlist this global if you "
              f"trust this class/function.")
    raise pickle.UnpicklingError(
        "Weights only load failed. With `weights_only=True` (the default) only tensors, containers and "
        "primitive types load. Loading with `weights_only=False` will likely succeed, but it runs whatever "
        "code the file names: do it only for a file from a trusted source.\n\n" + detail)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, weights_only, load_storage):
        super().__init__(file, encoding="utf-8")
        self.weights_only = weights_only
        self.load_storage = load_storage
        self.names = _torch_globals()

    def find_class(self, module, name):
        module = "builtins" if module == "__builtin__" else module
        known = self.names.get((module, name))
        if known is not None:
            return known
        safe = _safe_globals.get(f"{module}.{name}")
        if safe is not None:
            return safe
        if self.weights_only:
            _refuse(module, name)
        if module == "torch" or module.startswith("torch."):  # a whole torch object: minigrad's twin
            try:
                return super().find_class("minigrad" + module[len("torch"):], name)
            except (ImportError, AttributeError):
                pass
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"Weights only load failed: unsupported persistent id {pid!r:.200}")
        _, storage_type, key, location, numel = pid[:5]
        return self.load_storage(storage_type.dtype, str(key), str(location), int(numel))


class _ZipReader:
    """Records of a checkpoint archive, read straight from the file at their data offsets."""

    def __init__(self, f, use_mmap):
        try:
            self.zip = zipfile.ZipFile(f)
        except zipfile.BadZipFile as exc:
            raise RuntimeError(f"minigrad.load: the file is not a readable torch checkpoint (not a zip archive, or "
                               f"a truncated or corrupted one: {exc})") from None
        self.f = f
        names = self.zip.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError("minigrad.load: the archive has no <name>/data.pkl record: not a torch.save checkpoint")
        self.prefix = pkl[0][:-len("data.pkl")]
        self.mmap = None
        if use_mmap:
            import mmap
            self.mmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)

    def has(self, record):
        return self.prefix + record in self.zip.NameToInfo

    def read(self, record):
        try:
            return self.zip.read(self.prefix + record)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise RuntimeError(f"minigrad.load: cannot read record {record!r} of the checkpoint "
                               f"(truncated or corrupted file: {exc})") from None

    def _data_offset(self, info):
        self.f.seek(info.header_offset)
        header = self.f.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"minigrad.load: corrupted zip header for {info.filename!r}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + name_len + extra_len

    def array(self, record, dtype, numel):
        """Record ``record`` as a writable 1-D array of ``numel`` elements of numpy ``dtype``."""
        info = self.zip.NameToInfo.get(self.prefix + record)
        if info is None:
            raise RuntimeError(f"minigrad.load: the checkpoint has no record {record!r} (truncated or corrupted)")
        nbytes = numel * dtype.itemsize
        if info.file_size != nbytes or info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"minigrad.load: record {record!r} holds {info.file_size} bytes, expected {nbytes} "
                               f"({numel} elements of {dtype}): corrupted checkpoint")
        offset = self._data_offset(info)
        if self.mmap is not None and offset % dtype.itemsize == 0:
            if offset + nbytes > len(self.mmap):
                raise RuntimeError(f"minigrad.load: record {record!r} runs past the end of the file (truncated)")
            return np.frombuffer(self.mmap, dtype, numel, offset)
        out = np.empty(numel, dtype)
        self.f.seek(offset)
        if self.f.readinto(memoryview(out).cast("B")) != nbytes:
            raise RuntimeError(f"minigrad.load: record {record!r} is cut short (truncated checkpoint)")
        return out


def _target_device(map_location, location):
    """Where a storage saved at ``location`` goes under ``map_location`` (not a callable)."""
    if map_location is None:
        return location
    if isinstance(map_location, dict):
        return map_location.get(location, location)
    return str(_device(map_location) if not isinstance(map_location, _device) else map_location)


def _check_device(location):
    if location.startswith("cuda"):
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but minigrad.cuda.is_available() "
                               "is False. If you are running on a CPU-only machine, please use minigrad.load with "
                               "map_location=minigrad.device('cpu') to map your storages to the CPU.")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load what ``save`` (minigrad's or torch's) wrote to ``f`` (a path, ``pathlib.Path`` or seekable
    binary file). ``map_location``: a device, a ``{saved: wanted}`` dict of location strings, or a
    callable ``(storage, location) -> storage``. ``weights_only`` (default True): refuse every global
    but tensors', containers' and primitives' (``add_safe_globals`` adds more). ``mmap=True`` maps
    the tensors' bytes from the file (copy-on-write) instead of reading them."""
    weights_only = True if weights_only is None else weights_only
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("minigrad.load unpickles with the standard pickle module only")
    opened = isinstance(f, (str, os.PathLike))
    if mmap and not opened:
        raise ValueError("f must be a file path in order to use the mmap argument")
    source = open(f, "rb") if opened else f
    try:
        if not opened and not (hasattr(source, "seekable") and source.seekable()):
            source = io.BytesIO(source.read())
        start = source.tell()
        if source.read(2) == b"\x80\x02":  # a pickle at the start: the legacy format
            source.seek(start)
            return _load_legacy(source, map_location, weights_only)
        source.seek(start)
        return _load(_ZipReader(source, bool(mmap)), map_location, weights_only)
    finally:
        if opened:
            source.close()


def _load(reader, map_location, weights_only):
    if reader.has("version"):
        text = reader.read("version").decode(errors="replace").strip()
        if not text.isdigit():
            raise RuntimeError(f"minigrad.load: unreadable version record {text!r:.40}: corrupted checkpoint")
        if int(text) > _MAX_READ_VERSION:
            raise RuntimeError(f"Attempted to read a PyTorch file with version {text}, but the maximum supported "
                               f"version for reading is {_MAX_READ_VERSION}. The file comes from a newer PyTorch "
                               "than minigrad understands.")
    if reader.has("byteorder") and reader.read("byteorder") not in (b"little", b"big"):
        raise RuntimeError("minigrad.load: unknown byteorder record: corrupted checkpoint")
    swap = reader.has("byteorder") and reader.read("byteorder").decode() != sys.byteorder
    loaded = {}

    def load_storage(dtype, key, location, numel):
        if key not in loaded:
            arr = reader.array(f"data/{key}", dtype.np, numel)
            if swap:
                arr = arr.byteswap()
            storage = _Storage(arr, location)
            if callable(map_location):
                storage = map_location(storage, location) or storage
            else:
                storage = storage.to(_target_device(map_location, location))
            _check_device(str(storage.device))
            loaded[key] = storage
        return loaded[key]

    try:
        return _Unpickler(io.BytesIO(reader.read("data.pkl")), weights_only, load_storage).load()
    except pickle.UnpicklingError:
        raise
    except (EOFError, ValueError, IndexError, struct.error) as exc:
        raise pickle.UnpicklingError(f"minigrad.load: corrupted data.pkl in the checkpoint ({exc})") from None


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001


def _load_legacy(f, map_location, weights_only):
    """torch's pre-1.6 format: consecutive pickles of a magic number, the protocol (1001), system
    information, the object (storages as persistent ids, as in the zip format), and the storage keys;
    then each storage in key order as an int64 element count and its bytes. Loads onto the CPU."""
    def header():
        return _Unpickler(f, True, None).load()
    try:
        if header() != _LEGACY_MAGIC:
            raise RuntimeError("Invalid magic number; corrupt file?")
        protocol = header()
        if protocol != _LEGACY_PROTOCOL:
            raise RuntimeError(f"Invalid protocol version: {protocol}")
        if not header().get("little_endian", True):
            raise RuntimeError("minigrad.load: big-endian legacy checkpoints are not supported")
    except (pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise RuntimeError(f"minigrad.load: the file is not a readable torch checkpoint ({exc})") from None
    storages = {}

    def load_storage(dtype, key, location, numel):
        target = location if callable(map_location) else _target_device(map_location, location)
        if not str(target).startswith("cpu"):
            raise RuntimeError("minigrad reads legacy (pre-1.6) checkpoints onto the CPU only: pass "
                               "map_location='cpu'")
        if key not in storages:
            storages[key] = _Storage(np.empty(numel, dtype.np), "cpu")
        return storages[key]

    obj = _Unpickler(f, weights_only, load_storage).load()
    for key in header():
        count = f.read(8)
        arr = storages.get(str(key)).array if str(key) in storages else None
        if len(count) != 8 or arr is None or struct.unpack("<q", count)[0] != arr.size:
            raise RuntimeError(f"minigrad.load: storage {key!r} of the legacy checkpoint is missing or has the wrong "
                               "size (truncated or corrupted file)")
        if f.readinto(memoryview(arr).cast("B")) != arr.nbytes:
            raise RuntimeError(f"minigrad.load: storage {key!r} is cut short (truncated checkpoint)")
    return obj


# ---- the weights-only allowlist -----------------------------------------------------------------
def _global_name(obj):
    if isinstance(obj, tuple):
        return obj[1], obj[0]
    return f"{obj.__module__}.{obj.__qualname__}", obj


def add_safe_globals(safe_globals):
    """Let ``load(weights_only=True)`` resolve these classes/functions (or ``(obj, "module.name")``
    pairs) too."""
    for g in safe_globals:
        name, obj = _global_name(g)
        _safe_globals[name] = obj


def get_safe_globals():
    return list(_safe_globals.values())


def clear_safe_globals():
    _safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """``add_safe_globals`` for the duration of a ``with`` block."""
    before = dict(_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _safe_globals.clear()
        _safe_globals.update(before)
