/**
 * The safetensors format: {@link dev.jtc.weights.safetensors.SafetensorsFile} (one memory-mapped
 * file), {@link dev.jtc.weights.safetensors.ShardedSafetensors} (shards plus
 * {@code model.safetensors.index.json}) and {@link dev.jtc.weights.safetensors.SafetensorsWriter}.
 *
 * <p>What a reader accepts: an unsigned little-endian 64-bit header length of at most 100,000,000
 * bytes that fits in the file; a UTF-8 JSON object without repeated keys; per tensor a known
 * dtype, a shape of non-negative integers and {@code data_offsets [begin, end]} whose span equals
 * shape×dtype; spans that tile the data section exactly (no overlap, no hole, no trailing bytes),
 * as the reference Rust crate demands; an optional {@code __metadata__} object of strings.
 * Anything else is a {@link dev.jtc.weights.WeightsException} whose one-sentence message starts
 * with the file's path.
 */
package dev.jtc.weights.safetensors;
