package dev.jtc.engine.kernels;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCountTest {

    @Test
    void defaultIsOnePerPhysicalCoreAndThePropertyOverridesIt() throws Exception {
        String before = System.getProperty("jtc.threads");
        try {
            System.clearProperty("jtc.threads");
            int cores = VectorKernels.configuredThreads();
            assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "default " + cores);
            System.setProperty("jtc.threads", "3");
            assertEquals(3, VectorKernels.configuredThreads());
            System.setProperty("jtc.threads", "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, VectorKernels::configuredThreads);
            assertTrue(e.getMessage().contains("-Djtc.threads") && e.getMessage().contains("zero"), e.getMessage());
            System.setProperty("jtc.threads", "0");
            assertThrows(IllegalArgumentException.class, VectorKernels::configuredThreads);
        } finally {
            if (before == null) System.clearProperty("jtc.threads");
            else System.setProperty("jtc.threads", before);
        }
    }

    @Test
    @Tag("optional-resource") // a property of the machine, not a reference
    void threadsPerCoreMatchesLscpuWhereSysfsExists() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/sys/devices/system/cpu/cpu0/topology/core_id")),
                "no Linux sysfs CPU topology here, so there is nothing to compare with");
        // Independent count: siblings of cpu0 as the kernel lists them ("0,8" or "0-1" or "0").
        String siblings = Files.readString(Path.of("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list")).trim();
        int expected = 0;
        for (String part : siblings.split(",")) {
            String[] range = part.split("-");
            expected += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        assertEquals(expected, PhysicalCores.threadsPerCore());
    }
}
