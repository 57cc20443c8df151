package io.farcall.bench.peer;

import io.farcall.bench.model.UserService;
import io.farcall.runtime.Farcall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a consumer that is busy calling takes to route calls to a provider that registers: from
 * the moment {@code export} is called on a new provider runtime (which starts its server and
 * creates its node in ZooKeeper) to the first call that reaches it. Each sample starts a new
 * provider runtime next to a running one and closes it afterwards.
 */
public final class RegistrationProbe {
  private RegistrationProbe() {}

  /** The samples, in milliseconds. */
  public static List<Double> measure(int samples) throws Exception {
    List<Double> millis = new ArrayList<>();
    try (FarcallSession s = FarcallSession.start(1, false)) {
      UserService stub = s.client();
      Thread[] callers = new Thread[4];
      AtomicBoolean stop = new AtomicBoolean();
      for (int i = 0; i < callers.length; i++) {
        callers[i] =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      stub.existUser("load@example.org");
                    } catch (RuntimeException e) {
                      // a provider closing between samples: the next call goes elsewhere
                    }
                  }
                },
                "registration-caller-" + i);
        callers[i].setDaemon(true);
        callers[i].start();
      }
      try {
        for (int i = 0; i < samples; i++) {
          millis.add(sample(s));
        }
      } finally {
        stop.set(true);
      }
    }
    return millis;
  }

  private static double sample(FarcallSession s) throws InterruptedException {
    FirstCall impl = new FirstCall();
    Farcall provider = s.runtime();
    try {
      long registered = System.nanoTime();
      provider.export(impl);
      long deadline = registered + TimeUnit.SECONDS.toNanos(30);
      while (impl.first.get() == 0) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("no call reached the new provider within 30 s");
        }
        Thread.sleep(0, 100_000);
      }
      return (impl.first.get() - registered) / 1e6;
    } finally {
      provider.close();
    }
  }

  /** Notes when the first call reached it. */
  private static final class FirstCall extends FarcallSession.CountingImpl {
    final AtomicLong first = new AtomicLong();

    @Override
    public boolean existUser(String email) {
      first.compareAndSet(0, System.nanoTime());
      return super.existUser(email);
    }
  }
}
