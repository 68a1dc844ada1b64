"""A restricted reader for the pickle streams found in dataset files.

Some Keras dataset files hold pickled data: the CIFAR batch files (a dict
holding a NumPy array and lists) and the object arrays of ``imdb.npz`` and
``reuters.npz`` (NumPy object arrays of Python lists of ints). Python's
``pickle`` module can run arbitrary code while loading, so it is never used
here. This module interprets the pickle opcodes itself and understands only:

* plain data: None, booleans, ints, floats, str, bytes, bytearray, and
  lists, tuples, dicts and sets of those;
* NumPy arrays and dtypes, rebuilt by this module (with ``np.frombuffer``
  and friends) from the arguments the stream gives to NumPy's
  reconstruction functions. Those functions are only *named* by the stream;
  nothing is imported or called by name.

Any other global (``os.system``, ``builtins.eval``, ...), object-building
opcode (INST, OBJ, NEWOBJ, extension registry, persistent ids, out-of-band
buffers) or malformed data stops the reading with ``UnsafePickleError``.
"""

import math
import re
import struct

import numpy as np

__all__ = ["UnsafePickleError", "load_restricted"]


class UnsafePickleError(ValueError):
    """The pickle stream is malformed or asks for something not allowed."""


# Names a stream may refer to, mapped to this module's own stand-ins.
_RECONSTRUCT = "reconstruct"
_NDARRAY = "ndarray"
_DTYPE = "dtype"
_FROMBUFFER = "frombuffer"
_SCALAR = "scalar"
_ENCODE = "encode"
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _DTYPE,
    ("numpy.core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy._core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy.core.multiarray", "scalar"): _SCALAR,
    ("numpy._core.multiarray", "scalar"): _SCALAR,
    # Python 3 writes bytes as `_codecs.encode(text, "latin1")` in protocol 2.
    ("_codecs", "encode"): _ENCODE,
}
_SAFE_ENCODINGS = ("latin1", "latin-1", "iso-8859-1", "ascii", "utf8", "utf-8")

# Simple dtypes that may be rebuilt: bool, ints, floats, complex, object,
# byte strings and unicode strings (no structured or datetime dtypes).
_DTYPE_NAME = re.compile(r"^[<>|=]?(b1|[iu][1248]|f(2|4|8|16)|c(8|16|32)|O[48]?|[SU]\d*)$")

_MAX_ELEMENTS = 1 << 40


class _Global:
    """A whitelisted global named by the stream (never imported)."""

    __slots__ = ("kind", "qualname")

    def __init__(self, kind, qualname):
        self.kind = kind
        self.qualname = qualname

    def __repr__(self):
        return f"<global {self.qualname}>"


class _PendingDtype:
    """A dtype under construction: ``numpy.dtype(name)`` awaiting its state."""

    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype


class _PendingArray:
    """An array under construction: ``_reconstruct(...)`` awaiting its state."""

    __slots__ = ("array",)

    def __init__(self):
        self.array = None


def _text(value, what):
    if isinstance(value, bytes):
        try:
            return value.decode("ascii")
        except UnicodeDecodeError:
            raise UnsafePickleError(f"{what} is not ASCII: {value!r}") from None
    if isinstance(value, str):
        return value
    raise UnsafePickleError(f"{what} must be a string, got {type(value).__name__}")


def _as_dtype(value):
    if isinstance(value, _PendingDtype):
        return value.dtype
    if isinstance(value, np.dtype):
        return value
    raise UnsafePickleError(f"expected a dtype, got {type(value).__name__}")


def _make_dtype(args):
    if not isinstance(args, tuple) or not 1 <= len(args) <= 3:
        raise UnsafePickleError("numpy.dtype must be called with (name, align, copy)")
    name = _text(args[0], "dtype name")
    if not _DTYPE_NAME.match(name):
        raise UnsafePickleError(f"dtype {name!r} is not allowed in a dataset file")
    if name.startswith("O"):
        name = "O"
    return _PendingDtype(np.dtype(name))


def _build_dtype(pending, state):
    """Applies a dtype's pickled state (byte order, item size)."""
    if not isinstance(state, tuple) or len(state) < 8:
        raise UnsafePickleError("malformed dtype state")
    byteorder = _text(state[1], "dtype byte order")
    subarray, names, fields, elsize = state[2], state[3], state[4], state[5]
    if subarray is not None or names is not None or fields is not None:
        raise UnsafePickleError("structured or sub-array dtypes are not allowed")
    dtype = pending.dtype
    if dtype.kind in "SU" and isinstance(elsize, int) and elsize > 0:
        size = elsize // 4 if dtype.kind == "U" else elsize
        dtype = np.dtype(f"{dtype.kind}{size}")
    if byteorder in ("<", ">"):
        dtype = dtype.newbyteorder(byteorder)
    elif byteorder not in ("|", "="):
        raise UnsafePickleError(f"unknown dtype byte order {byteorder!r}")
    pending.dtype = dtype
    return dtype


def _shape(value):
    if not isinstance(value, tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in value
    ):
        raise UnsafePickleError(f"invalid array shape {value!r}")
    if math.prod(value) > _MAX_ELEMENTS:
        raise UnsafePickleError(f"absurd array shape {value!r}")
    return value


def _array_from_bytes(raw, dtype, shape, fortran):
    if isinstance(raw, str):
        raw = raw.encode("latin1")
    if not isinstance(raw, (bytes, bytearray)):
        raise UnsafePickleError("array data must be bytes")
    count = math.prod(shape)
    if len(raw) != count * dtype.itemsize:
        raise UnsafePickleError(
            f"array data has {len(raw)} bytes, expected {count * dtype.itemsize} "
            f"for shape {shape} and dtype {dtype}"
        )
    flat = np.frombuffer(raw, dtype=dtype, count=count)
    array = flat.reshape(shape, order="F" if fortran else "C")
    return array if array.flags.writeable else array.copy()


def _build_array(pending, state):
    """Applies an ndarray's pickled state: (version, shape, dtype, fortran, data)."""
    if not isinstance(state, tuple) or len(state) not in (4, 5):
        raise UnsafePickleError("malformed ndarray state")
    if len(state) == 5:
        state = state[1:]
    shape, dtype, fortran, raw = state
    shape = _shape(shape)
    dtype = _as_dtype(dtype)
    if dtype.hasobject:
        if not isinstance(raw, list) or len(raw) != math.prod(shape):
            raise UnsafePickleError("object array data must be a list of the right length")
        flat = np.empty(len(raw), dtype=object)
        for i, item in enumerate(raw):
            flat[i] = item
        array = flat.reshape(shape, order="F" if fortran else "C")
    else:
        array = _array_from_bytes(raw, dtype, shape, bool(fortran))
    pending.array = array
    return array


def _call(func, args):
    """Runs one whitelisted REDUCE with this module's own implementation."""
    if not isinstance(func, _Global):
        raise UnsafePickleError(
            f"REDUCE on {type(func).__name__} is not allowed (only NumPy array "
            "reconstruction is)"
        )
    if not isinstance(args, tuple):
        raise UnsafePickleError("REDUCE arguments must be a tuple")
    kind = func.kind
    if kind == _RECONSTRUCT:
        if len(args) != 3 or not (isinstance(args[0], _Global) and args[0].kind == _NDARRAY):
            raise UnsafePickleError("_reconstruct must be called as (ndarray, shape, typecode)")
        return _PendingArray()
    if kind == _DTYPE:
        return _make_dtype(args)
    if kind == _FROMBUFFER:
        if len(args) != 4:
            raise UnsafePickleError("_frombuffer must be called as (buffer, dtype, shape, order)")
        raw, dtype, shape, order = args
        dtype = _as_dtype(dtype)
        if dtype.hasobject:
            raise UnsafePickleError("object arrays cannot come from a buffer")
        order = _text(order, "array order")
        if order not in ("C", "F", "A", "K"):
            raise UnsafePickleError(f"unknown array order {order!r}")
        return _array_from_bytes(raw, dtype, _shape(shape), order == "F")
    if kind == _SCALAR:
        if len(args) != 2:
            raise UnsafePickleError("scalar must be called as (dtype, data)")
        dtype = _as_dtype(args[0])
        if dtype.hasobject:
            raise UnsafePickleError("object scalars are not allowed")
        return _array_from_bytes(args[1], dtype, (), False)[()]
    if kind == _ENCODE:
        if len(args) != 2 or not isinstance(args[0], str):
            raise UnsafePickleError("_codecs.encode must be called as (text, encoding)")
        encoding = _text(args[1], "encoding").lower()
        if encoding not in _SAFE_ENCODINGS:
            raise UnsafePickleError(f"encoding {encoding!r} is not allowed")
        return args[0].encode(encoding)
    raise UnsafePickleError(f"calling {func.qualname} is not allowed")


def _resolve(value):
    """Replaces a finished pending dtype/array by the real object."""
    if isinstance(value, _PendingArray):
        return value if value.array is None else value.array
    if isinstance(value, _PendingDtype):
        return value.dtype
    return value


def _check_global(module, name):
    kind = _ALLOWED_GLOBALS.get((module, name))
    if kind is None:
        raise UnsafePickleError(
            f"refusing the global '{module}.{name}': only NumPy array "
            "reconstruction is allowed in a dataset file, which may be "
            "corrupted or malicious"
        )
    return _Global(kind, f"{module}.{name}")


_UNPACK_I = struct.Struct("<i").unpack_from
_UNPACK_UI = struct.Struct("<I").unpack_from
_UNPACK_Q = struct.Struct("<Q").unpack_from
_UNPACK_H = struct.Struct("<H").unpack_from
_UNPACK_D = struct.Struct(">d").unpack_from

_REFUSED = {
    ord("i"): "INST",
    ord("o"): "OBJ",
    0x81: "NEWOBJ",
    0x92: "NEWOBJ_EX",
    0x82: "EXT1",
    0x83: "EXT2",
    0x84: "EXT4",
    ord("P"): "PERSID",
    ord("Q"): "BINPERSID",
    0x97: "NEXT_BUFFER",
    0x98: "READONLY_BUFFER",
}


def load_restricted(data, what="pickle stream"):
    """Reads a pickle stream with the restricted interpreter.

    Args:
        data: the stream, as bytes (only the first pickle is read).
        what: a description of the stream used in error messages (e.g. the
            file name).

    Returns:
        The object the stream describes, with NumPy arrays rebuilt.

    Raises:
        UnsafePickleError: the stream is malformed or uses anything beyond
            plain data and NumPy array reconstruction.
    """
    try:
        return _Machine(bytes(data)).run()
    except UnsafePickleError as e:
        raise UnsafePickleError(f"Cannot read {what}: {e}") from None
    except (IndexError, struct.error):
        raise UnsafePickleError(
            f"Cannot read {what}: the pickle stream is truncated or malformed"
        ) from None
    except (TypeError, KeyError, AttributeError, ValueError, UnicodeDecodeError) as e:
        raise UnsafePickleError(f"Cannot read {what}: malformed pickle stream ({e})") from None


class _Machine:
    """The pickle virtual machine, restricted to the opcodes listed below."""

    def __init__(self, data):
        self.data = data

    def _take(self, pos, size):
        end = pos + size
        if size < 0 or end > len(self.data):
            raise UnsafePickleError("the pickle stream is truncated")
        return self.data[pos:end], end

    def run(self):  # noqa: C901 - one flat dispatch loop is the fastest form
        data = self.data
        take = self._take
        stack = []
        metastack = []
        memo = {}
        pos = 0
        while True:
            op = data[pos]
            pos += 1
            # Most frequent opcodes first: small ints, memo puts, lists.
            if op == 0x4B:  # K BININT1
                stack.append(data[pos])
                pos += 1
            elif op == 0x4D:  # M BININT2
                stack.append(_UNPACK_H(data, pos)[0])
                pos += 2
            elif op == 0x4A:  # J BININT
                stack.append(_UNPACK_I(data, pos)[0])
                pos += 4
            elif op == 0x71:  # q BINPUT
                memo[data[pos]] = stack[-1]
                pos += 1
            elif op == 0x72:  # r LONG_BINPUT
                memo[_UNPACK_UI(data, pos)[0]] = stack[-1]
                pos += 4
            elif op == 0x94:  # MEMOIZE
                memo[len(memo)] = stack[-1]
            elif op == 0x5D:  # ] EMPTY_LIST
                stack.append([])
            elif op == 0x28:  # ( MARK
                metastack.append(stack)
                stack = []
            elif op == 0x65:  # e APPENDS
                items = stack
                stack = metastack.pop()
                target = stack[-1]
                if type(target) is not list:
                    raise UnsafePickleError("APPENDS on something other than a list")
                target.extend(items)
            elif op == 0x61:  # a APPEND
                item = stack.pop()
                if type(stack[-1]) is not list:
                    raise UnsafePickleError("APPEND on something other than a list")
                stack[-1].append(item)
            elif op == 0x68:  # h BINGET
                stack.append(_resolve(memo[data[pos]]))
                pos += 1
            elif op == 0x6A:  # j LONG_BINGET
                stack.append(_resolve(memo[_UNPACK_UI(data, pos)[0]]))
                pos += 4
            elif op == 0x74:  # t TUPLE
                items = tuple(stack)
                stack = metastack.pop()
                stack.append(items)
            elif op == 0x85:  # TUPLE1
                stack[-1] = (stack[-1],)
            elif op == 0x86:  # TUPLE2
                if len(stack) < 2:
                    raise UnsafePickleError("TUPLE2 on a short stack")
                stack[-2:] = [tuple(stack[-2:])]
            elif op == 0x87:  # TUPLE3
                if len(stack) < 3:
                    raise UnsafePickleError("TUPLE3 on a short stack")
                stack[-3:] = [tuple(stack[-3:])]
            elif op == 0x29:  # ) EMPTY_TUPLE
                stack.append(())
            elif op == 0x6C:  # l LIST
                items = stack
                stack = metastack.pop()
                stack.append(items)
            elif op == 0x7D:  # } EMPTY_DICT
                stack.append({})
            elif op == 0x64:  # d DICT
                items = stack
                stack = metastack.pop()
                stack.append(dict(zip(items[::2], items[1::2])))
            elif op == 0x73:  # s SETITEM
                value = stack.pop()
                key = stack.pop()
                if type(stack[-1]) is not dict:
                    raise UnsafePickleError("SETITEM on something other than a dict")
                stack[-1][key] = value
            elif op == 0x75:  # u SETITEMS
                items = stack
                stack = metastack.pop()
                target = stack[-1]
                if type(target) is not dict or len(items) % 2:
                    raise UnsafePickleError("malformed SETITEMS")
                for i in range(0, len(items), 2):
                    target[items[i]] = items[i + 1]
            elif op == 0x8F:  # EMPTY_SET
                stack.append(set())
            elif op == 0x90:  # ADDITEMS
                items = stack
                stack = metastack.pop()
                if type(stack[-1]) is not set:
                    raise UnsafePickleError("ADDITEMS on something other than a set")
                stack[-1].update(items)
            elif op == 0x91:  # FROZENSET
                items = frozenset(stack)
                stack = metastack.pop()
                stack.append(items)
            elif op == 0x4E:  # N NONE
                stack.append(None)
            elif op == 0x88:  # NEWTRUE
                stack.append(True)
            elif op == 0x89:  # NEWFALSE
                stack.append(False)
            elif op == 0x8A:  # LONG1
                size = data[pos]
                raw, pos = take(pos + 1, size)
                stack.append(int.from_bytes(raw, "little", signed=True))
            elif op == 0x8B:  # LONG4
                size = _UNPACK_I(data, pos)[0]
                if size > 1 << 20:
                    raise UnsafePickleError("absurdly large integer")
                raw, pos = take(pos + 4, size)
                stack.append(int.from_bytes(raw, "little", signed=True))
            elif op == 0x47:  # G BINFLOAT
                stack.append(_UNPACK_D(data, pos)[0])
                pos += 8
            elif op == 0x58:  # X BINUNICODE
                raw, pos = take(pos + 4, _UNPACK_UI(data, pos)[0])
                stack.append(raw.decode("utf-8", "surrogatepass"))
            elif op == 0x8C:  # SHORT_BINUNICODE
                raw, pos = take(pos + 1, data[pos])
                stack.append(raw.decode("utf-8", "surrogatepass"))
            elif op == 0x8D:  # BINUNICODE8
                raw, pos = take(pos + 8, _UNPACK_Q(data, pos)[0])
                stack.append(raw.decode("utf-8", "surrogatepass"))
            elif op == 0x54:  # T BINSTRING (Python 2 str, read as bytes)
                raw, pos = take(pos + 4, _UNPACK_I(data, pos)[0])
                stack.append(raw)
            elif op == 0x55:  # U SHORT_BINSTRING
                raw, pos = take(pos + 1, data[pos])
                stack.append(raw)
            elif op == 0x42:  # B BINBYTES
                raw, pos = take(pos + 4, _UNPACK_UI(data, pos)[0])
                stack.append(raw)
            elif op == 0x43:  # C SHORT_BINBYTES
                raw, pos = take(pos + 1, data[pos])
                stack.append(raw)
            elif op == 0x8E:  # BINBYTES8
                raw, pos = take(pos + 8, _UNPACK_Q(data, pos)[0])
                stack.append(raw)
            elif op == 0x96:  # BYTEARRAY8
                raw, pos = take(pos + 8, _UNPACK_Q(data, pos)[0])
                stack.append(bytearray(raw))
            elif op == 0x63:  # c GLOBAL
                end = data.index(b"\n", pos)
                module = data[pos:end].decode("ascii")
                pos = end + 1
                end = data.index(b"\n", pos)
                name = data[pos:end].decode("ascii")
                pos = end + 1
                stack.append(_check_global(module, name))
            elif op == 0x93:  # STACK_GLOBAL
                name = stack.pop()
                module = stack.pop()
                if not isinstance(module, str) or not isinstance(name, str):
                    raise UnsafePickleError("STACK_GLOBAL needs two strings")
                stack.append(_check_global(module, name))
            elif op == 0x52:  # R REDUCE
                args = stack.pop()
                stack[-1] = _call(stack[-1], args)
            elif op == 0x62:  # b BUILD
                state = stack.pop()
                target = stack[-1]
                if isinstance(target, _PendingArray) and target.array is None:
                    stack[-1] = _build_array(target, state)
                elif isinstance(target, _PendingDtype):
                    stack[-1] = _build_dtype(target, state)
                else:
                    raise UnsafePickleError(
                        f"BUILD on {type(target).__name__} is not allowed"
                    )
            elif op == 0x80:  # PROTO
                if data[pos] > 5:
                    raise UnsafePickleError(f"unsupported pickle protocol {data[pos]}")
                pos += 1
            elif op == 0x95:  # FRAME (framing is only a hint; data is in memory)
                pos += 8
            elif op == 0x30:  # 0 POP
                if stack:
                    stack.pop()
                else:
                    stack = metastack.pop()
            elif op == 0x31:  # 1 POP_MARK
                stack = metastack.pop()
            elif op == 0x32:  # 2 DUP
                stack.append(stack[-1])
            elif op == 0x2E:  # . STOP
                if len(stack) != 1 or metastack:
                    raise UnsafePickleError("the stream ends with a malformed stack")
                result = _resolve(stack[0])
                if isinstance(result, (_PendingArray, _Global)):
                    raise UnsafePickleError("the stream ends with an incomplete object")
                return result
            elif op in _REFUSED:
                raise UnsafePickleError(
                    f"opcode {_REFUSED[op]} is not allowed (it can build "
                    "arbitrary objects); the file may be corrupted or malicious"
                )
            else:
                raise UnsafePickleError(
                    f"unsupported pickle opcode {bytes([op])!r} at byte {pos - 1}"
                )
