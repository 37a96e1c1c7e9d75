"""`uniqueString()` and `guid()` computed the way Azure Resource Manager computes them.

uniqueString: the arguments joined with `-`, UTF-8 encoded, hashed with Azure's 64-bit MurmurHash variant
(two 32-bit lanes of MurmurHash3 x86 mixing, seed 0), and the 64 bits written as 13 characters of the
alphabet `a-z2-7`, five bits at a time from the most significant end. This is the publicly reverse-engineered
algorithm; the tests pin it to outputs that independent public implementations report as Azure's.

guid: an RFC 4122 version-5 (SHA-1, name-based) UUID of the arguments joined with `-`, in the namespace
11fb06fb-712d-4ddd-98c7-e71bbd588830. The tests pin it to Python's own uuid5 over that namespace, which is
what public tools use to predict role assignment names that Bicep's guid() produces. No output of Azure
itself could be checked offline; a mismatch would show up as an id that does not join, never as a FAIL.

Ids this linter builds with placeholders (subscription or resource group not configured) must not be
hashed: the result would look real but be wrong. `has_placeholder` detects them.
"""

from __future__ import annotations

import re
import uuid

_M32 = 0xFFFFFFFF
_C1 = 0x239B961B
_C2 = 0xAB0E9789
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_GUID_NAMESPACE = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _M32


def _fmix(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M32
    return h ^ (h >> 16)


def _mix_k1(k: int) -> int:
    return (_rotl((k * _C1) & _M32, 15) * _C2) & _M32


def _mix_k2(k: int) -> int:
    return (_rotl((k * _C2) & _M32, 17) * _C1) & _M32


def murmur64(data: bytes, seed: int = 0) -> int:
    length = len(data)
    h1 = h2 = seed
    i = 0
    while i + 8 <= length:
        h1 ^= _mix_k1(int.from_bytes(data[i:i + 4], "little"))
        h1 = (_rotl(h1, 19) + h2) & _M32
        h1 = (h1 * 5 + 0x561CCD1B) & _M32
        h2 ^= _mix_k2(int.from_bytes(data[i + 4:i + 8], "little"))
        h2 = (_rotl(h2, 13) + h1) & _M32
        h2 = (h2 * 5 + 0x0BCAA747) & _M32
        i += 8
    tail = length - i
    if tail > 0:
        h1 ^= _mix_k1(int.from_bytes(data[i:i + min(tail, 4)], "little"))
        if tail > 4:
            h2 ^= _mix_k2(int.from_bytes(data[i + 4:length], "little"))
    h1 ^= length
    h2 ^= length
    h1 = (h1 + h2) & _M32
    h2 = (h2 + h1) & _M32
    h1 = _fmix(h1)
    h2 = _fmix(h2)
    h1 = (h1 + h2) & _M32
    h2 = (h2 + h1) & _M32
    return (h2 << 32) | h1


def unique_string(text: str) -> str:
    value = murmur64(text.encode("utf-8"))
    chars = []
    for _ in range(13):  # 65 bits: the last character takes the final 4 bits and a zero
        chars.append(_ALPHABET[value >> 59])
        value = (value << 5) & 0xFFFFFFFFFFFFFFFF
    return "".join(chars)


def guid(text: str) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, text))


# Placeholder segments put into resource ids when the deployment's subscription or resource group is not
# configured (see scope.py); they keep ids joinable inside one deployment but must never be hashed.
_PLACEHOLDER = re.compile(r"\{(?:subscription|resource group) of deployment ", re.IGNORECASE)


def has_placeholder(text: str) -> bool:
    return "{" in text and _PLACEHOLDER.search(text) is not None
