"""The protocol buffers wire format, as much as Google Authenticator's export needs:
decoding a message into its fields, and encoding varints and length-delimited fields. No
dependency. Damaged input raises IndexError (truncated) or TypeError (wrong wire type);
the caller turns them into a one-line error."""

from __future__ import annotations

Fields = dict[int, list[int | bytes]]


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]  # IndexError when truncated
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise TypeError("varint too long")


def decode(data: bytes) -> Fields:
    fields: Fields = {}
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 1:
            value, pos = int.from_bytes(data[pos : pos + 8], "little"), pos + 8
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
            if len(value) != length:
                raise IndexError("truncated")
        elif wire == 5:
            value, pos = int.from_bytes(data[pos : pos + 4], "little"), pos + 4
        else:
            raise TypeError("unknown wire type")
        if pos > len(data):
            raise IndexError("truncated")
        fields.setdefault(number, []).append(value)
    return fields


def repeated(fields: Fields, number: int, kind: type) -> list[bytes]:
    values = fields.get(number, [])
    if not all(isinstance(v, kind) for v in values):
        raise TypeError("wrong wire type")
    return values  # type: ignore[return-value]


def last(fields: Fields, number: int, default: int | bytes) -> int | bytes:
    values = fields.get(number)
    if not values:
        return default
    if type(values[-1]) is not type(default):
        raise TypeError("wrong wire type")
    return values[-1]


def int32(value: int | bytes) -> int:
    """A protobuf int32/enum as signed: negative values travel as 64-bit two's complement."""
    if not isinstance(value, int):
        raise TypeError("wrong wire type")
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def encode_varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF  # negative int32 -> ten bytes, as protobuf does
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return encode_varint(number << 3) + encode_varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
    return encode_varint(number << 3 | 2) + encode_varint(len(value)) + value
