package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.GreeterImpl;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exporting a service again never lists its provider twice in the registry. */
class ExportTwiceTest {
  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();

  @Test
  void theSameObjectExportedTwiceIsRegisteredOnce() throws Exception {
    try (Farcall farcall = Farcall.builder().registry(zk.connectString()).build();
        FarcallOps ops =
            FarcallOps.connect(zk.connectString(), "/farcall", Duration.ofSeconds(5))) {
      GreeterImpl impl = new GreeterImpl("p");
      assertThat(farcall.export(impl)).containsExactly(Greeter.class.getName());
      assertThat(farcall.export(impl)).containsExactly(Greeter.class.getName());

      assertThat(registered(ops)).hasSize(1);
    }
  }

  @Test
  void anotherInstanceExportedLaterServesUnderTheOneRegistration() throws Exception {
    try (Farcall provider = Farcall.builder().registry(zk.connectString()).build();
        Farcall consumer = Farcall.builder().registry(zk.connectString()).build();
        FarcallOps ops =
            FarcallOps.connect(zk.connectString(), "/farcall", Duration.ofSeconds(5))) {
      provider.export(new GreeterImpl("first"));
      provider.export(new GreeterImpl("second"));

      assertThat(registered(ops)).hasSize(1);
      Awaits.providersServe(consumer.stub(Greeter.class), "second");
    }
  }

  /** The Greeter providers listed, once at least one is (registration may trail the export). */
  private static List<FarcallOps.Provider> registered(FarcallOps ops) {
    return Poll.until(
        () -> ops.services().getOrDefault(Greeter.class.getName(), List.of()),
        listed -> !listed.isEmpty(),
        Duration.ofSeconds(10));
  }
}
