package dev.jtc.weights.tf;

import dev.jtc.weights.WeightsException;

import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to decode the two messages a tensor bundle stores:
 * varints, fixed32/fixed64 and length-delimited fields; unknown fields are skipped so that newer
 * writers stay readable. Written by hand because jtc takes no protobuf dependency.
 */
final class ProtoReader {

    static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String where;
    private int pos;

    /** Reads {@code buf[from, to)}; {@code where} names the file and entry for errors. */
    ProtoReader(byte[] buf, int from, int to, String where) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.where = where;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** The next field's tag: field number {@code << 3 | wire type}. */
    int tag() {
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) throw malformed("field tag " + t + " is not valid");
        return (int) t;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw malformed("a varint runs past the end of its message");
            int b = buf[pos++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw malformed("a varint is longer than 10 bytes");
    }

    int fixed32() {
        need(4);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** A length-delimited field as a sub-reader over its bytes. */
    ProtoReader message() {
        int len = length();
        ProtoReader sub = new ProtoReader(buf, pos, pos + len, where);
        pos += len;
        return sub;
    }

    String string() {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> { need(8); pos += 8; }
            case LENGTH_DELIMITED -> {
                int len = length(); // not "pos += length()": that would add to the pos read before the length
                pos += len;
            }
            case FIXED32 -> { need(4); pos += 4; }
            default -> throw malformed("wire type " + wireType + " is not one protobuf defines for stored messages");
        }
    }

    private int length() {
        long len = varint();
        if (len < 0 || len > end - pos) throw malformed("a length-delimited field of " + len + " bytes runs past the end of its message");
        return (int) len;
    }

    private void need(int n) {
        if (end - pos < n) throw malformed("a fixed-width field runs past the end of its message");
    }

    WeightsException malformed(String what) {
        return new WeightsException(where + ": malformed protobuf, " + what + ".");
    }
}
