package dev.jtc.weights.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors bytes for the bad-input and fuzz tests, written without our writer. */
final class CraftedFiles {

    private CraftedFiles() {
    }

    /** The length field, the header bytes as given (no padding), then {@code dataBytes} bytes of 0x5A. */
    static byte[] bytes(long headerLengthField, byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLengthField).put(header);
        while (b.hasRemaining()) b.put((byte) 0x5A);
        return b.array();
    }

    /** A well-formed length field followed by {@code json} and {@code dataBytes} bytes of data. */
    static byte[] bytes(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return bytes(header.length, header, dataBytes);
    }

    static Path write(Path dir, String fileName, byte[] content) throws IOException {
        Path p = dir.resolve(fileName);
        Files.write(p, content);
        return p;
    }

    /** JSON for one F32 tensor entry. */
    static String f32(String name, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }
}
