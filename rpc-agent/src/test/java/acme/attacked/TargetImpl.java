package acme.attacked;

import io.farcall.Export;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

@Export
public class TargetImpl implements Target {
  /** Every throwable that ended a thread of this JVM. */
  static final List<String> UNCAUGHT = new CopyOnWriteArrayList<>();

  @Override
  public String echo(String text) {
    return text;
  }

  @Override
  public int size(Object value) {
    if (value instanceof Collection<?> c) {
      return c.size();
    }
    return value instanceof Map<?, ?> m ? m.size() : -1;
  }

  @Override
  public byte[] blob(int bytes) {
    return new byte[bytes];
  }

  @Override
  public int open(Bomb bomb) {
    return bomb.value();
  }

  @Override
  public Health health() {
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int executor = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("farcall-exec")) {
        executor++;
      }
    }
    return new Health(used, List.copyOf(UNCAUGHT), executor);
  }
}
