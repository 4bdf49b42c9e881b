package dev.jtc.weights.tf;

import dev.jtc.weights.DType;
import dev.jtc.weights.WeightsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One tensor's record in a bundle index, decoded from a {@code BundleEntryProto}: where its bytes
 * lie in which data shard, its TensorFlow dtype and shape, and the masked CRC-32C of its bytes.
 */
record BundleEntry(String name, int tfDtype, long[] shape, int shardId, long offset, long size, int crc32c,
                   boolean sliced) {

    static final int DT_STRING = 7;

    /** TensorFlow {@code DataType} enum values and names, for the types a bundle may hold. */
    private static final String[] TF_NAMES = new String[24];

    static {
        String[] names = {null, "DT_FLOAT", "DT_DOUBLE", "DT_INT32", "DT_UINT8", "DT_INT16", "DT_INT8", "DT_STRING",
                "DT_COMPLEX64", "DT_INT64", "DT_BOOL", "DT_QINT8", "DT_QUINT8", "DT_QINT32", "DT_BFLOAT16",
                "DT_QINT16", "DT_QUINT16", "DT_UINT16", "DT_COMPLEX128", "DT_HALF", "DT_RESOURCE", "DT_VARIANT",
                "DT_UINT32", "DT_UINT64"};
        System.arraycopy(names, 0, TF_NAMES, 0, names.length);
    }

    /** Decodes a BundleEntryProto; {@code where} names the index file and the tensor. */
    static BundleEntry decode(String name, byte[] value, String where) {
        ProtoReader r = new ProtoReader(value, 0, value.length, where);
        int dtype = 0, shard = 0, crc = 0;
        long offset = 0, size = 0;
        long[] shape = new long[0];
        boolean sliced = false;
        while (r.hasMore()) {
            int tag = r.tag();
            int field = tag >>> 3, wire = tag & 7;
            switch (field) {
                case 1 -> dtype = (int) expect(r, wire, ProtoReader.VARINT, "dtype").varint();
                case 2 -> shape = shape(expect(r, wire, ProtoReader.LENGTH_DELIMITED, "shape").message(), where);
                case 3 -> shard = (int) expect(r, wire, ProtoReader.VARINT, "shard_id").varint();
                case 4 -> offset = expect(r, wire, ProtoReader.VARINT, "offset").varint();
                case 5 -> size = expect(r, wire, ProtoReader.VARINT, "size").varint();
                case 6 -> crc = expect(r, wire, ProtoReader.FIXED32, "crc32c").fixed32();
                case 7 -> {
                    sliced = true;
                    r.skip(wire);
                }
                default -> r.skip(wire);
            }
        }
        return new BundleEntry(name, dtype, shape, shard, offset, size, crc, sliced);
    }

    private static long[] shape(ProtoReader r, String where) {
        List<Long> dims = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag >>> 3 == 2 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                ProtoReader dim = r.message();
                long size = 0;
                while (dim.hasMore()) {
                    int t = dim.tag();
                    if (t >>> 3 == 1 && (t & 7) == ProtoReader.VARINT) size = dim.varint();
                    else dim.skip(t & 7);
                }
                dims.add(size);
            } else if (tag >>> 3 == 3 && (tag & 7) == ProtoReader.VARINT && r.varint() != 0) {
                throw new WeightsException(where + ": the shape has unknown rank; a stored tensor needs a full shape.");
            } else if (tag >>> 3 != 3) {
                r.skip(tag & 7);
            }
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i);
            if (shape[i] < 0) throw new WeightsException(where + ": dimension " + i + " is " + shape[i]
                    + "; a stored tensor needs non-negative sizes.");
        }
        return shape;
    }

    private static ProtoReader expect(ProtoReader r, int wire, int expected, String field) {
        if (wire != expected) throw r.malformed("field " + field + " has wire type " + wire + ", expected " + expected);
        return r;
    }

    /** The jtc type of this entry, empty for strings, complex numbers, resources and the like. */
    Optional<DType> dtype() {
        return Optional.ofNullable(switch (tfDtype) {
            case 1 -> DType.F32;
            case 2 -> DType.F64;
            case 3 -> DType.I32;
            case 4 -> DType.U8;
            case 5 -> DType.I16;
            case 6 -> DType.I8;
            case 9 -> DType.I64;
            case 10 -> DType.BOOL;
            case 14 -> DType.BF16;
            case 19 -> DType.F16;
            default -> null;
        });
    }

    /** TensorFlow's name for this entry's dtype ("DT_STRING"), or the number when unknown. */
    String tfDtypeName() {
        return tfDtype >= 0 && tfDtype < TF_NAMES.length && TF_NAMES[tfDtype] != null
                ? TF_NAMES[tfDtype] : "DataType " + tfDtype;
    }
}
