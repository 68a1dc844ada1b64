"""The 64-bit string hashes Keras's hashing layers use, written in plain Python.

* ``fingerprint64``: Google's FarmHash ``Fingerprint64`` (the "na" variant),
  used by ``Hashing`` without a salt, by ``HashedCrossing`` and by the lookup
  layers' out-of-vocabulary buckets.
* ``siphash24``: SipHash-2-4 with a 128-bit key given as two 64-bit halves,
  used by ``Hashing`` (and lookups) with a ``salt``.
* ``fingerprint_cat64``: the mixing step that combines feature fingerprints
  when crossing features.

Values are Python ints in ``[0, 2**64)``. Host-side only: NumPy arrays of
strings are hashed once per distinct value.
"""
import numpy as np

_M = 0xFFFFFFFFFFFFFFFF
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_KMUL = 0xC6A4A7935BD1E995


def _u64(data, i):
    return int.from_bytes(data[i:i + 8], "little")


def _u32(data, i):
    return int.from_bytes(data[i:i + 4], "little")


def _rotr(v, s):
    return v if s == 0 else ((v >> s) | (v << (64 - s))) & _M


def _shift_mix(v):
    return v ^ (v >> 47)


def _mix16(u, v, mul):
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _short(s, n):
    if n >= 8:
        mul = (_K2 + n * 2) & _M
        a = (_u64(s, 0) + _K2) & _M
        b = _u64(s, n - 8)
        c = (_rotr(b, 37) * mul + a) & _M
        d = ((_rotr(a, 25) + b) * mul) & _M
        return _mix16(c, d, mul)
    if n >= 4:
        mul = (_K2 + n * 2) & _M
        a = _u32(s, 0)
        return _mix16((n + (a << 3)) & _M, _u32(s, n - 4), mul)
    if n > 0:
        y = (s[0] + (s[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (s[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _M) * _K2) & _M
    return _K2


def _medium(s, n):
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K1) & _M
    b = _u64(s, 8)
    c = (_u64(s, n - 8) * mul) & _M
    d = (_u64(s, n - 16) * _K2) & _M
    return _mix16((_rotr((a + b) & _M, 43) + _rotr(c, 30) + d) & _M,
                  (a + _rotr((b + _K2) & _M, 18) + c) & _M, mul)


def _long(s, n):
    mul = (_K2 + n * 2) & _M
    a = (_u64(s, 0) * _K2) & _M
    b = _u64(s, 8)
    c = (_u64(s, n - 8) * mul) & _M
    d = (_u64(s, n - 16) * _K2) & _M
    y = (_rotr((a + b) & _M, 43) + _rotr(c, 30) + d) & _M
    z = _mix16(y, (a + _rotr((b + _K2) & _M, 18) + c) & _M, mul)
    e = (_u64(s, 16) * mul) & _M
    f = _u64(s, 24)
    g = ((y + _u64(s, n - 32)) * mul) & _M
    h = ((z + _u64(s, n - 24)) * mul) & _M
    return _mix16((_rotr((e + f) & _M, 43) + _rotr(g, 30) + h) & _M,
                  (e + _rotr((f + a) & _M, 18) + g) & _M, mul)


def _weak32(s, i, a, b):
    w, x, y, z = _u64(s, i), _u64(s, i + 8), _u64(s, i + 16), _u64(s, i + 24)
    a = (a + w) & _M
    b = _rotr((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _rotr(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def fingerprint64(data):
    """FarmHash ``Fingerprint64`` of ``data`` (bytes) as an unsigned int."""
    s = bytes(data)
    n = len(s)
    if n <= 16:
        return _short(s, n)
    if n <= 32:
        return _medium(s, n)
    if n <= 64:
        return _long(s, n)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _M
    z = (_shift_mix((y * _K2 + 113) & _M) * _K2) & _M
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _u64(s, 0)) & _M
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    pos = 0
    while True:
        x = (_rotr((x + y + v0 + _u64(s, pos + 8)) & _M, 37) * _K1) & _M
        y = (_rotr((y + v1 + _u64(s, pos + 48)) & _M, 42) * _K1) & _M
        x ^= w1
        y = (y + v0 + _u64(s, pos + 40)) & _M
        z = (_rotr((z + w0) & _M, 33) * _K1) & _M
        v0, v1 = _weak32(s, pos, (v1 * _K1) & _M, (x + w0) & _M)
        w0, w1 = _weak32(s, pos + 32, (z + w1) & _M, (y + _u64(s, pos + 16)) & _M)
        z, x = x, z
        pos += 64
        if pos == end:
            break
    mul = (_K1 + ((z & 0xFF) << 1)) & _M
    pos = last64
    w0 = (w0 + ((n - 1) & 63)) & _M
    v0 = (v0 + w0) & _M
    w0 = (w0 + v0) & _M
    x = (_rotr((x + y + v0 + _u64(s, pos + 8)) & _M, 37) * mul) & _M
    y = (_rotr((y + v1 + _u64(s, pos + 48)) & _M, 42) * mul) & _M
    x ^= (w1 * 9) & _M
    y = (y + v0 * 9 + _u64(s, pos + 40)) & _M
    z = (_rotr((z + w0) & _M, 33) * mul) & _M
    v0, v1 = _weak32(s, pos, (v1 * mul) & _M, (x + w0) & _M)
    w0, w1 = _weak32(s, pos + 32, (z + w1) & _M, (y + _u64(s, pos + 16)) & _M)
    z, x = x, z
    return _mix16((_mix16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _M,
                  (_mix16(v1, w1, mul) + x) & _M, mul)


def _rotl(v, s):
    return ((v << s) | (v >> (64 - s))) & _M


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _M
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & _M
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & _M
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & _M
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(key0, key1, data):
    """SipHash-2-4 of ``data`` (bytes) under the key ``(key0, key1)`` (two 64-bit halves)."""
    s = bytes(data)
    k0, k1 = key0 & _M, key1 & _M
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    n = len(s)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _u64(s, i)
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(s[full:], "little")
    v3 ^= last
    v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0 ^= last
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat64(fp1, fp2):
    """Combine two 64-bit fingerprints into one (order matters)."""
    result = fp1 ^ _KMUL
    result ^= (_shift_mix((fp2 * _KMUL) & _M) * _KMUL) & _M
    result = (result * _KMUL) & _M
    result = (_shift_mix(result) * _KMUL) & _M
    return _shift_mix(result)


# -- array helpers ---------------------------------------------------------------------
def as_token_bytes(value, encoding="utf-8"):
    """The bytes a token hashes as: strings encoded, integers (and floats, truncated) in decimal."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    if isinstance(value, (float, np.floating)):
        value = int(value)
    return str(int(value)).encode("ascii")


def map_unique(array, fn):
    """Apply ``fn`` to each distinct element of a NumPy array; an int64 array of the results."""
    array = np.asarray(array)
    if array.size == 0:
        return np.zeros(array.shape, dtype="int64")
    flat = array.reshape(-1)
    if flat.dtype.kind == "O":
        cache = {}
        out = np.empty(flat.shape, dtype="int64")
        for i, v in enumerate(flat):
            key = (type(v), v)
            if key not in cache:
                cache[key] = fn(v)
            out[i] = cache[key]
        return out.reshape(array.shape)
    uniques, inverse = np.unique(flat, return_inverse=True)
    values = np.array([fn(v.item() if hasattr(v, "item") else v) for v in uniques], dtype="int64")
    return values[inverse.reshape(-1)].reshape(array.shape)


def hash_to_bins(array, num_bins, salt=None):
    """Bucket every element of ``array`` into ``[0, num_bins)`` with FarmHash, or SipHash under ``salt``."""
    if salt is None:
        return map_unique(array, lambda v: fingerprint64(as_token_bytes(v)) % num_bins)
    k0, k1 = int(salt[0]), int(salt[1])
    return map_unique(array, lambda v: siphash24(k0, k1, as_token_bytes(v)) % num_bins)


__all__ = ["fingerprint64", "siphash24", "fingerprint_cat64", "hash_to_bins", "map_unique", "as_token_bytes"]
