package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.CallStatus;
import io.farcall.ClientInterceptor;
import io.farcall.CurrentCall;
import io.farcall.InvalidCallException;
import io.farcall.Metadata;
import io.farcall.NoProviderException;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import io.farcall.runtime.internal.invoke.Dormant;
import io.farcall.runtime.testing.CountingInterceptor;
import io.farcall.runtime.testing.Greeter;
import io.farcall.runtime.testing.Poll;
import io.farcall.runtime.testing.Runtimes;
import io.farcall.runtime.testing.Traced.Hop;
import io.farcall.runtime.testing.Traced.HopImpl;
import io.farcall.runtime.testing.Traced.Probe;
import io.farcall.runtime.testing.Traced.ProbeImpl;
import io.farcall.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client and server interceptors and call metadata, between real runtimes over loopback with a real
 * ZooKeeper.
 */
class InterceptorsTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @RegisterExtension final Runtimes runtimes = new Runtimes(zk);
  private final ProbeImpl probe = new ProbeImpl();

  private Farcall runtime(FarcallSettings.Builder b) {
    return runtimes.start(b);
  }

  private void probeServedThrough(ServerInterceptor... interceptors) {
    FarcallSettings.Builder b = Farcall.builder();
    for (ServerInterceptor i : interceptors) {
      b.intercept(i);
    }
    runtime(b).export(probe);
  }

  private static <T> T ready(T stub, Runnable call) {
    Poll.untilAProviderAnswers(call, Duration.ofSeconds(10));
    return stub;
  }

  /** Records what it saw, in a shared log, under a name. */
  private record Recorder(String name, List<String> log)
      implements ClientInterceptor, ServerInterceptor {
    @Override
    public Object intercept(RemoteCall call, ClientInterceptor.Chain chain) throws Throwable {
      log.add(name + " client " + call.service() + "." + call.methodKey());
      return chain.proceed();
    }

    @Override
    public Object intercept(RemoteCall call, ServerInterceptor.Chain chain) throws Throwable {
      log.add(name + " server " + call.methodKey() + " " + List.of(call.arguments()));
      return chain.proceed();
    }

    @Override
    public void onEnd(RemoteCall call) {
      log.add(
          name
              + (call.isServerSide() ? " server" : " client")
              + " end "
              + call.status()
              + " "
              + call.value());
    }
  }

  /** A {@link Recorder} that is {@link Dormant} until woken, as tracing is without an SDK. */
  private record Sleeper(Recorder recorder, AtomicBoolean awake)
      implements ClientInterceptor, ServerInterceptor, Dormant {
    @Override
    public boolean dormant() {
      return !awake.get();
    }

    @Override
    public Object intercept(RemoteCall call, ClientInterceptor.Chain chain) throws Throwable {
      return recorder.intercept(call, chain);
    }

    @Override
    public Object intercept(RemoteCall call, ServerInterceptor.Chain chain) throws Throwable {
      return recorder.intercept(call, chain);
    }
  }

  @Test
  void interceptorsThatAreAllDormantAreSkippedUntilOneWakes() {
    List<String> log = new CopyOnWriteArrayList<>();
    AtomicBoolean awake = new AtomicBoolean();
    probeServedThrough(new Sleeper(new Recorder("s", log), awake));
    Probe stub =
        runtime(Farcall.builder().intercept(new Sleeper(new Recorder("c", log), awake)))
            .stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));

    assertThat(stub.metadata("k")).isEqualTo("-");
    assertThat(log).as("dormant: both sides take the plain path").isEmpty();

    awake.set(true);
    assertThat(stub.metadata("k")).isEqualTo("-");
    assertThat(Poll.until(log::size, n -> n >= 2, Duration.ofSeconds(5)))
        .as("awake: the next call goes through it on both sides")
        .isEqualTo(2);
  }

  @Test
  void aDormantInterceptorAmongOthersStillRuns() {
    List<String> log = new CopyOnWriteArrayList<>();
    AtomicBoolean awake = new AtomicBoolean();
    Probe stub =
        runtime(
                Farcall.builder()
                    .intercept(new Sleeper(new Recorder("c1", log), awake))
                    .intercept(new Recorder("c2", log)))
            .stub(Probe.class);
    probeServedThrough();
    ready(stub, () -> stub.metadata("warm-up"));
    log.clear();

    assertThat(stub.metadata("k")).isEqualTo("-");

    String service = Probe.class.getName();
    assertThat(log.stream().filter(l -> !l.contains(" end ")))
        .as("the chain runs whole; a dormant interceptor only proceeds, itself")
        .containsExactly(
            "c1 client " + service + ".metadata(java.lang.String)",
            "c2 client " + service + ".metadata(java.lang.String)");
  }

  @Test
  void interceptorsRunInTheOrderAddedAndHearTheEndInReverse() {
    List<String> log = new CopyOnWriteArrayList<>();
    probeServedThrough(new Recorder("s1", log), new Recorder("s2", log));
    Probe stub =
        runtime(
                Farcall.builder()
                    .intercept(new Recorder("c1", log))
                    .intercept(new Recorder("c2", log)))
            .stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));
    // The provider's side ends once its reply is queued: perhaps after the caller returned.
    Poll.until(() -> log.contains("s1 server end OK -"), seen -> seen, Duration.ofSeconds(5));
    log.clear();

    assertThat(stub.metadata("k")).isEqualTo("-");

    assertThat(Poll.until(log::size, n -> n >= 8, Duration.ofSeconds(5))).isEqualTo(8);
    String service = Probe.class.getName();
    assertThat(log.stream().filter(l -> l.startsWith("c")))
        .containsExactly(
            "c1 client " + service + ".metadata(java.lang.String)",
            "c2 client " + service + ".metadata(java.lang.String)",
            "c2 client end OK -",
            "c1 client end OK -");
    assertThat(log.stream().filter(l -> l.startsWith("s")))
        .containsExactly(
            "s1 server metadata(java.lang.String) [k]",
            "s2 server metadata(java.lang.String) [k]",
            "s2 server end OK -",
            "s1 server end OK -");
    assertThat(log.indexOf("s1 server metadata(java.lang.String) [k]"))
        .as("the provider's interceptors run after the consumer's")
        .isGreaterThan(log.indexOf("c2 client " + service + ".metadata(java.lang.String)"))
        .isLessThan(log.indexOf("c2 client end OK -"));
  }

  @Test
  void metadataAClientInterceptorWritesReachesServerInterceptorsAndProviderCode() throws Exception {
    List<String> seenByServer = new CopyOnWriteArrayList<>();
    probeServedThrough(
        (call, chain) -> {
          seenByServer.add(call.metadata().get("caller"));
          return chain.proceed();
        });
    ClientInterceptor caller =
        (call, chain) -> {
          call.metadata().put("caller", "checkout");
          return chain.proceed();
        };
    Probe stub = runtime(Farcall.builder().intercept(caller)).stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));

    assertThat(stub.metadata("caller")).as("synchronous call").isEqualTo("checkout");
    assertThat(stub.metadataAsync("caller").get(10, TimeUnit.SECONDS))
        .as("asynchronous call")
        .isEqualTo("checkout");
    assertThat(seenByServer).as("what the server interceptor read").containsOnly("checkout");
  }

  @Test
  void aFollowingEntryTravelsWithNestedCallsAndAPlainOneDoesNot() {
    runtime(Farcall.builder()).export(probe);
    Farcall middle = runtime(Farcall.builder());
    Probe next = middle.stub(Probe.class);
    middle.export(new HopImpl(next));
    Hop hop =
        runtime(
                Farcall.builder()
                    .intercept(
                        (ClientInterceptor)
                            (call, chain) -> {
                              call.metadata().putFollowing("tenant", "acme");
                              call.metadata().put("hop-only", "yes");
                              return chain.proceed();
                            }))
            .stub(Hop.class);
    ready(hop, () -> hop.relay("warm-up"));

    assertThat(hop.relay("tenant")).as("following entry, two hops away").isEqualTo("acme");
    assertThat(hop.relay("hop-only")).as("plain entry, two hops away").isEqualTo("-");
  }

  @Test
  void aClientInterceptorMayAnswerACallWithoutSendingIt() throws Exception {
    runtime(Farcall.builder()).export(probe);
    List<CallStatus> ends = new CopyOnWriteArrayList<>();
    ClientInterceptor cache =
        new ClientInterceptor() {
          @Override
          public Object intercept(RemoteCall call, Chain chain) throws Throwable {
            if (!"cached".equals(call.arguments()[0])) {
              return chain.proceed();
            }
            return call.method().getReturnType() == CompletableFuture.class
                ? CompletableFuture.completedFuture("from cache")
                : "from cache";
          }

          @Override
          public void onEnd(RemoteCall call) {
            ends.add(call.status());
          }
        };
    Probe stub = runtime(Farcall.builder().intercept(cache)).stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));
    int servedBefore = probe.served.get();

    assertThat(stub.metadata("cached")).isEqualTo("from cache");
    assertThat(stub.metadataAsync("cached").get(10, TimeUnit.SECONDS)).isEqualTo("from cache");

    assertThat(probe.served.get()).as("calls that reached the provider").isEqualTo(servedBefore);
    assertThat(Poll.until(() -> ends.size(), n -> n >= 3, Duration.ofSeconds(5)))
        .as("onEnd calls")
        .isEqualTo(3);
    assertThat(ends.subList(1, 3)).containsOnly(CallStatus.OK);
  }

  @Test
  void aServerInterceptorMayRefuseACallAndTheCallerGetsItsException() {
    probeServedThrough(
        (call, chain) -> {
          if (!"let-me-in".equals(call.metadata().get("token"))) {
            throw new SecurityException("no token for " + call.methodKey());
          }
          return chain.proceed();
        });
    Probe stub = runtime(Farcall.builder()).stub(Probe.class);
    ready(stub, () -> catchSecurity(() -> stub.metadata("warm-up")));
    int servedBefore = probe.served.get();

    assertThatThrownBy(() -> stub.metadata("k"))
        .isInstanceOf(SecurityException.class)
        .hasMessage("no token for metadata(java.lang.String)");
    assertThat(probe.served.get()).as("calls that reached the provider").isEqualTo(servedBefore);
  }

  private static void catchSecurity(Runnable r) {
    try {
      r.run();
    } catch (SecurityException expected) {
      // served: the refusal came from the provider
    }
  }

  @Test
  void onEndSeesTheOutcomeAStatusAndADuration() throws Exception {
    runtime(Farcall.builder()).export(probe);
    List<RemoteCall> ended = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    ClientInterceptor observer =
        new ClientInterceptor() {
          @Override
          public Object intercept(RemoteCall call, Chain chain) throws Throwable {
            return chain.proceed();
          }

          @Override
          public void onEnd(RemoteCall call) {
            ended.add(call);
            errors.add(call.error() == null ? "none" : call.error().getClass().getSimpleName());
          }
        };
    Farcall consumer = runtime(Farcall.builder().intercept(observer));
    Probe stub = consumer.stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));
    ended.clear();
    errors.clear();

    stub.metadata("k");
    assertThatThrownBy(() -> stub.fail("refused")).isInstanceOf(IllegalStateException.class);
    assertThat(stub.metadataAsync("k").get(10, TimeUnit.SECONDS)).isEqualTo("-");
    assertThatThrownBy(() -> consumer.stub(Greeter.class).greet("nobody"))
        .isInstanceOf(NoProviderException.class);

    assertThat(Poll.until(() -> ended.size(), n -> n >= 4, Duration.ofSeconds(5)))
        .as("onEnd calls")
        .isEqualTo(4);
    assertThat(ended)
        .extracting(RemoteCall::status)
        .containsExactlyInAnyOrder(
            CallStatus.OK, CallStatus.APPLICATION_ERROR, CallStatus.OK, CallStatus.NO_PROVIDER);
    assertThat(errors).contains("IllegalStateException", "NoProviderException");
    assertThat(ended.get(0).value()).isEqualTo("-");
    assertThat(ended.get(0).peer()).startsWith("127.0.0.1:");
    assertThat(ended).allSatisfy(c -> assertThat(c.elapsedNanos()).isPositive());
  }

  @Test
  void anInterceptorThatProceedsTwiceIsRefused() {
    runtime(Farcall.builder()).export(probe);
    Probe stub =
        runtime(
                Farcall.builder()
                    .intercept(
                        (ClientInterceptor)
                            (call, chain) -> {
                              chain.proceed();
                              return chain.proceed();
                            }))
            .stub(Probe.class);

    assertThatThrownBy(() -> ready(stub, () -> stub.metadata("k")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("proceeded more than once");
  }

  @Test
  void anInterceptorThatProceedsOnAnotherThreadIsRefused() {
    runtime(Farcall.builder()).export(probe);
    ClientInterceptor elsewhere =
        (call, chain) ->
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        return chain.proceed();
                      } catch (Throwable t) {
                        throw new java.util.concurrent.CompletionException(t);
                      }
                    })
                .thenCompose(f -> (CompletableFuture<?>) f);
    Probe stub = runtime(Farcall.builder().intercept(elsewhere)).stub(Probe.class);

    assertThatThrownBy(() -> stub.metadataAsync("k").get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage(
            "an interceptor of "
                + Probe.class.getName()
                + ".metadataAsync(java.lang.String) proceeded outside its intercept: call"
                + " chain.proceed() on the thread that runs intercept, before it returns");
  }

  @Test
  void metadataOverTheCallersOwnLimitsFailsTheCallBeforeItIsSent() {
    runtime(Farcall.builder()).export(probe);
    Probe stub =
        runtime(
                Farcall.builder()
                    .maxMetadataEntries(2)
                    .intercept(
                        (ClientInterceptor)
                            (call, chain) -> {
                              if ("many".equals(call.arguments()[0])) {
                                call.metadata().put("a", "1").put("b", "2").put("c", "3");
                              }
                              return chain.proceed();
                            }))
            .stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));
    int servedBefore = probe.served.get();

    assertThatThrownBy(() -> stub.metadata("many"))
        .isInstanceOf(InvalidCallException.class)
        .hasMessageContaining("over the limit of 2 (setting maxmetadataentries)");
    assertThat(probe.served.get()).isEqualTo(servedBefore);
  }

  @Test
  void metadataKeysAreCheckedWhenTheyAreSet() {
    Metadata m = new Metadata();
    assertThatThrownBy(() -> m.put("Trace-Id", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid metadata key 'Trace-Id'");
    assertThatThrownBy(() -> m.put("farcall-follow", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(m.put("traceparent", "00-ab").get("traceparent")).isEqualTo("00-ab");
    assertThat(CurrentCall.metadata().isEmpty()).as("outside any served call").isTrue();
  }

  @Test
  void interceptorsNamedByOptionAreCreatedFromTheApplicationsClassLoader() {
    long clientBefore = CountingInterceptor.CLIENT_CALLS.sum();
    long serverBefore = CountingInterceptor.SERVER_CALLS.sum();
    runtime(Farcall.builder().option("interceptors", CountingInterceptor.class.getName()))
        .export(probe);
    Probe stub =
        runtime(Farcall.builder().option("interceptors", CountingInterceptor.class.getName()))
            .stub(Probe.class);
    ready(stub, () -> stub.metadata("warm-up"));
    long client = CountingInterceptor.CLIENT_CALLS.sum();
    long server = CountingInterceptor.SERVER_CALLS.sum();

    stub.metadata("k");

    assertThat(client).as("client calls counted before").isGreaterThan(clientBefore);
    assertThat(server).as("server calls counted before").isGreaterThan(serverBefore);
    assertThat(CountingInterceptor.CLIENT_CALLS.sum()).isEqualTo(client + 1);
    assertThat(CountingInterceptor.SERVER_CALLS.sum()).isEqualTo(server + 1);
  }

  @Test
  void anInterceptorClassThatCannotBeFoundFailsTheStubNamingTheOption() {
    Farcall f = runtime(Farcall.builder().option("interceptors", "acme.ops.Missing"));
    assertThatThrownBy(() -> f.stub(Probe.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("option 'interceptors': class acme.ops.Missing not found");
  }
}
