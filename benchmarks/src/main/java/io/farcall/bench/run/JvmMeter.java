package io.farcall.bench.run;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this whole JVM spends, on both sides of the call, since each measurement runs client and
 * server in one JVM: bytes allocated by every thread (callers, event loops, executors; threads that
 * end during a measurement take their count with them, which is why the load generator's threads
 * and the peers' pools outlive it), CPU time, and time spent compiling.
 */
final class JvmMeter {
  private final com.sun.management.ThreadMXBean threads;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

  JvmMeter() {
    threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!threads.isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
    }
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /** Bytes allocated so far by the threads alive now. */
  long allocatedBytes() {
    long[] ids = threads.getAllThreadIds();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(ids)) {
      if (bytes > 0) {
        total += bytes;
      }
    }
    return total;
  }

  /**
   * CPU time, user and system, that this JVM used so far: a call's cost on both sides, steadier
   * than calls/s when the machine is shared.
   */
  long processCpuNanos() {
    return os.getProcessCpuTime();
  }

  /**
   * Milliseconds the JIT compilers spent so far. While they work, they take CPU from the measured
   * calls (on two cores, much of it) and the code is not yet what it will be.
   */
  long jitMillis() {
    return jit.getTotalCompilationTime();
  }
}
