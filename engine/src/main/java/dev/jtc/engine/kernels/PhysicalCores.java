package dev.jtc.engine.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How many kernel threads to run by default: one per physical core. Two hyper-threads of one core
 * share its FMA units, so a second matmul thread there only adds contention. The JVM reports logical
 * CPUs (after affinity and container limits); Linux's sysfs says how many logical CPUs share a core.
 */
final class PhysicalCores {

    private static final Pattern CPU_DIR = Pattern.compile("cpu[0-9]+");

    private PhysicalCores() {
    }

    static int available() {
        int logical = Math.max(1, Runtime.getRuntime().availableProcessors());
        return Math.max(1, logical / threadsPerCore());
    }

    /** Logical CPUs per physical core from /sys (1 when it cannot be read, e.g. off Linux). */
    static int threadsPerCore() {
        Path cpus = Path.of("/sys/devices/system/cpu");
        Set<String> cores = new HashSet<>();
        int logical = 0;
        try (Stream<Path> dirs = Files.list(cpus)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!CPU_DIR.matcher(d.getFileName().toString()).matches()) continue;
                Path topo = d.resolve("topology");
                if (!Files.isReadable(topo.resolve("core_id"))) continue;
                cores.add(Files.readString(topo.resolve("physical_package_id")).trim() + "/"
                        + Files.readString(topo.resolve("core_id")).trim());
                logical++;
            }
        } catch (IOException | RuntimeException e) {
            return 1;
        }
        if (cores.isEmpty() || logical < cores.size()) return 1;
        return Math.max(1, logical / cores.size());
    }
}
