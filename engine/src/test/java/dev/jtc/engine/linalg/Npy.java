package dev.jtc.engine.linalg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helper: 2-D float64 .npy files (C order, little-endian), the exchange format with the numpy reference. */
final class Npy {

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d*)\\)");

    private Npy() {
    }

    static void write(Path file, double[] data, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buf.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : data) buf.putDouble(v);
        Files.write(file, buf.array());
    }

    /** The values of a 1-D or 2-D float64 C-order array. */
    static double[] read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(8);
        int headerLength = buf.getShort() & 0xffff;
        byte[] h = new byte[headerLength];
        buf.get(h);
        String header = new String(h, StandardCharsets.US_ASCII);
        if (!header.contains("'<f8'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected a C-order float64 array, header " + header);
        }
        double[] out = new double[buf.remaining() / 8];
        for (int i = 0; i < out.length; i++) out[i] = buf.getDouble();
        Matcher mt = SHAPE.matcher(header);
        if (mt.find() && !mt.group(2).isEmpty() && Long.parseLong(mt.group(1)) * Long.parseLong(mt.group(2)) != out.length) {
            throw new IOException(file + ": shape " + mt.group() + " does not match " + out.length + " values");
        }
        return out;
    }
}
