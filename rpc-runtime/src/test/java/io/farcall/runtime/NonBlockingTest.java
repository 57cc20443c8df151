package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.farcall.NonBlocking;
import io.farcall.Remote;
import io.farcall.RpcException;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code @NonBlocking} provider code runs on the I/O thread; everything else on the executor. */
public class NonBlockingTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @Remote
  public interface Where {
    /** The provider thread's name. */
    @NonBlocking
    String fast();

    /** The provider thread's name. */
    String ordinary();

    @NonBlocking
    void fails(String message);

    /** Calls {@link Back#name()} synchronously. */
    @NonBlocking
    String callsBackSynchronously();

    /** Calls {@link Back#nameAsync()}. */
    @NonBlocking
    CompletableFuture<String> callsBackAsynchronously();
  }

  @Remote
  public interface Back {
    String name();

    CompletableFuture<String> nameAsync();
  }

  @Remote
  public interface Annotated {
    String thread();
  }

  static final class WhereImpl implements Where {
    private final Back back;

    WhereImpl(Back back) {
      this.back = back;
    }

    @Override
    public String fast() {
      return Thread.currentThread().getName();
    }

    @Override
    public String ordinary() {
      return Thread.currentThread().getName();
    }

    @Override
    public void fails(String message) {
      throw new IllegalStateException(message);
    }

    @Override
    public String callsBackSynchronously() {
      return back.name();
    }

    @Override
    public CompletableFuture<String> callsBackAsynchronously() {
      return back.nameAsync().thenApply(n -> "via " + n);
    }
  }

  static final class BackImpl implements Back {
    @Override
    public String name() {
      return "back";
    }

    @Override
    public CompletableFuture<String> nameAsync() {
      return CompletableFuture.completedFuture("back");
    }
  }

  /** The annotation on the implementation class, not on the interface. */
  @NonBlocking
  static final class AnnotatedImpl implements Annotated {
    @Override
    public String thread() {
      return Thread.currentThread().getName();
    }
  }

  static Farcall provider;
  static Farcall consumer;

  @BeforeAll
  static void start() {
    provider = Farcall.builder().registry(zk.connectString()).build();
    provider.export(new BackImpl());
    provider.export(new WhereImpl(provider.stub(Back.class)));
    provider.export(new AnnotatedImpl());
    consumer = Farcall.builder().registry(zk.connectString()).build();
  }

  @AfterAll
  static void stop() {
    consumer.close();
    provider.close();
  }

  @Test
  void nonBlockingMethodsRunOnTheIoThreadAndTheOthersOnTheExecutor() {
    Where where = consumer.stub(Where.class);
    assertThat(where.fast()).startsWith("farcall-io");
    assertThat(where.ordinary()).startsWith("farcall-exec");
  }

  @Test
  void theAnnotationOnTheImplementationClassCoversAllItsMethods() {
    assertThat(consumer.stub(Annotated.class).thread()).startsWith("farcall-io");
  }

  @Test
  void anExceptionFromNonBlockingCodeArrivesAsItself() {
    Throwable t = catchThrowable(() -> consumer.stub(Where.class).fails("no"));
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("no");
  }

  @Test
  void aSynchronousRemoteCallFromNonBlockingCodeFailsAtOnceSayingWhy() {
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> consumer.stub(Where.class).callsBackSynchronously());
    assertThat(t)
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("@NonBlocking")
        .hasMessageContaining("asynchronous");
    // At once: not after the call's 5 s deadline.
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void anAsynchronousRemoteCallFromNonBlockingCodeWorks() throws Exception {
    assertThat(consumer.stub(Where.class).callsBackAsynchronously().get(5, TimeUnit.SECONDS))
        .isEqualTo("via back");
  }
}
