package io.farcall.agent.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Stops every JVM a test started, in reverse order, when the test ends, passed or failed. */
public final class JvmProcesses implements AfterEachCallback {
  private final List<Jvm> started = new ArrayList<>();

  synchronized void add(Jvm jvm) {
    started.add(jvm);
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    started.clear();
  }
}
