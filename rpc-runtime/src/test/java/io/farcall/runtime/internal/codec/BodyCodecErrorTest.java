package io.farcall.runtime.internal.codec;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.RemoteException;
import io.farcall.runtime.internal.codec.Fixtures.DomainOnly;
import io.farcall.runtime.internal.codec.Fixtures.InvalidOperation;
import io.farcall.runtime.internal.codec.Fixtures.Inventory;
import io.farcall.runtime.internal.codec.Fixtures.QuotaExceeded;
import io.farcall.runtime.internal.codec.Fixtures.Tenant;
import io.farcall.runtime.internal.codec.Fixtures.Undeclared;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** Exceptions travel as data and are rebuilt as their own type where that is known and safe. */
@SuppressWarnings("unchecked")
class BodyCodecErrorTest {
  private static final Class<?>[] DECLARED = {InvalidOperation.class, QuotaExceeded.class};
  private static final ClassLoader LOADER = BodyCodecErrorTest.class.getClassLoader();

  private final BodyCodec provider = codec();
  private final BodyCodec consumer = codec();

  private static BodyCodec codec() {
    BodyCodec codec = new BodyCodec(List.of());
    codec.allowInterface(Inventory.class);
    return codec;
  }

  private Throwable roundTrip(Throwable error, Class<?>[] declared, ClassLoader loader) {
    ByteBuf body = Unpooled.buffer();
    try {
      provider.writeError(body, error, PeerShapes.SAME);
      Throwable rebuilt = consumer.readError(body, declared, loader);
      assertThat(body.isReadable()).isFalse();
      return rebuilt;
    } finally {
      body.release();
    }
  }

  private static void assertSameStack(Throwable rebuilt, Throwable original) {
    assertThat(rebuilt.getStackTrace()).isNotEmpty().containsExactly(original.getStackTrace());
  }

  @Test
  void aDeclaredCheckedExceptionArrivesAsItselfWithFieldsStackAndACauseChain() {
    IOException root = new IOException("disk gone");
    QuotaExceeded middle = new QuotaExceeded("quota").limit(10, List.of(new Tenant("acme")));
    middle.initCause(root);
    InvalidOperation error = new InvalidOperation(4, "no stock", middle);

    Throwable rebuilt = roundTrip(error, DECLARED, LOADER);

    assertThat(rebuilt)
        .isExactlyInstanceOf(InvalidOperation.class)
        .hasMessage("operation 4 refused: no stock");
    InvalidOperation operation = (InvalidOperation) rebuilt;
    assertThat(operation.whatOp()).isEqualTo(4);
    assertThat(operation.why()).isEqualTo("no stock");
    assertSameStack(rebuilt, error);
    assertThat(rebuilt.getCause()).isExactlyInstanceOf(QuotaExceeded.class).hasMessage("quota");
    assertThat(((QuotaExceeded) rebuilt.getCause()).limit()).isEqualTo(10);
    assertThat(((QuotaExceeded) rebuilt.getCause()).tenants()).containsExactly(new Tenant("acme"));
    assertSameStack(rebuilt.getCause(), middle);
    assertThat(rebuilt.getCause().getCause())
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("disk gone")
        .hasNoCause();
    assertSameStack(rebuilt.getCause().getCause(), root);
  }

  @Test
  void aCustomUncheckedExceptionArrivesAsItselfWithFieldsStackAndACauseChain() {
    IllegalStateException root = new IllegalStateException("root");
    UncheckedIOException middle = new UncheckedIOException("io", new IOException("inner", root));
    QuotaExceeded error = new QuotaExceeded("over quota").limit(99, List.of());
    error.initCause(middle);

    Throwable rebuilt = roundTrip(error, DECLARED, LOADER);

    assertThat(rebuilt).isExactlyInstanceOf(QuotaExceeded.class).hasMessage("over quota");
    assertThat(((QuotaExceeded) rebuilt).limit()).isEqualTo(99);
    assertThat(((QuotaExceeded) rebuilt).tenants()).isEmpty();
    assertSameStack(rebuilt, error);
    assertThat(rebuilt.getCause()).isExactlyInstanceOf(UncheckedIOException.class).hasMessage("io");
    assertThat(rebuilt.getCause().getCause()).isExactlyInstanceOf(IOException.class);
    assertThat(rebuilt.getCause().getCause().getCause())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("root");
  }

  @Test
  void aJdkExceptionArrivesAsItselfWithStackAndACauseChain() {
    NumberFormatException root = new NumberFormatException("not a number: x");
    IllegalStateException middle = new IllegalStateException("parse failed", root);
    IllegalArgumentException error = new IllegalArgumentException("bad quantity", middle);

    Throwable rebuilt = roundTrip(error, new Class<?>[0], null);

    assertThat(rebuilt)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad quantity");
    assertSameStack(rebuilt, error);
    assertThat(rebuilt.getCause())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("parse failed");
    assertSameStack(rebuilt.getCause(), middle);
    assertThat(rebuilt.getCause().getCause())
        .isExactlyInstanceOf(NumberFormatException.class)
        .hasMessage("not a number: x");
  }

  @Test
  void anUnknownTypeArrivesAsRemoteExceptionNamingIt() {
    RemoteException fromFurtherAway = new RemoteException("com.acme.NoSuchThing", "gone");
    fromFurtherAway.initCause(new IllegalStateException("why"));

    Throwable rebuilt = roundTrip(fromFurtherAway, DECLARED, LOADER);

    assertThat(rebuilt).isExactlyInstanceOf(RemoteException.class);
    RemoteException remote = (RemoteException) rebuilt;
    assertThat(remote.remoteType()).isEqualTo("com.acme.NoSuchThing");
    assertThat(remote.remoteMessage()).isEqualTo("gone");
    assertThat(remote).hasMessage("com.acme.NoSuchThing: gone");
    assertSameStack(remote, fromFurtherAway);
    assertThat(remote.getCause())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("why");
  }

  @Test
  void aTypeTheCallersLoaderCannotSeeArrivesAsRemoteExceptionWithStackAndCause() {
    InvalidOperation error = new InvalidOperation(1, "x", new QuotaExceeded("q"));

    Throwable rebuilt = roundTrip(error, new Class<?>[0], ClassLoader.getPlatformClassLoader());

    assertThat(rebuilt).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) rebuilt).remoteType())
        .isEqualTo(InvalidOperation.class.getName());
    assertThat(((RemoteException) rebuilt).remoteMessage()).isEqualTo("operation 1 refused: x");
    assertSameStack(rebuilt, error);
    assertThat(((RemoteException) rebuilt.getCause()).remoteType())
        .isEqualTo(QuotaExceeded.class.getName());
  }

  @Test
  void anUndeclaredButLoadableExceptionArrivesAsItselfWithoutItsFields() {
    Undeclared error = new Undeclared("undeclared", null);
    error.code = 99;

    Throwable rebuilt = roundTrip(error, DECLARED, LOADER);

    assertThat(rebuilt).isExactlyInstanceOf(Undeclared.class).hasMessage("undeclared");
    assertThat(((Undeclared) rebuilt).code)
        .as("fields of types not allowed stay home")
        .isEqualTo(7);
  }

  @Test
  void anExceptionWithOnlyADomainConstructorIsRebuiltFromItsFields() {
    BodyCodec sender = new BodyCodec(List.of());
    BodyCodec receiver = new BodyCodec(List.of());
    sender.allowInterface(Fixtures.Divider.class);
    receiver.allowInterface(Fixtures.Divider.class);
    Fixtures.DivisionRefused error = new Fixtures.DivisionRefused(7, "division by zero");
    ByteBuf body = Unpooled.buffer();
    Throwable rebuilt;
    try {
      sender.writeError(body, error, PeerShapes.SAME);
      rebuilt = receiver.readError(body, new Class<?>[] {Fixtures.DivisionRefused.class}, LOADER);
    } finally {
      body.release();
    }

    assertThat(rebuilt)
        .isExactlyInstanceOf(Fixtures.DivisionRefused.class)
        .hasMessage("cannot divide 7: division by zero");
    assertThat(((Fixtures.DivisionRefused) rebuilt).dividend()).isEqualTo(7);
    assertThat(((Fixtures.DivisionRefused) rebuilt).why()).isEqualTo("division by zero");
    assertSameStack(rebuilt, error);
  }

  @Test
  void anExceptionWithoutAUsableConstructorArrivesAsRemoteException() {
    Throwable rebuilt = roundTrip(new DomainOnly(5), DECLARED, LOADER);

    assertThat(rebuilt)
        .isExactlyInstanceOf(RemoteException.class)
        .hasMessage(DomainOnly.class.getName() + ": code 5");
  }

  @Test
  void anUndeclaredErrorIsNotRethrownAsALocalError() {
    Throwable rebuilt = roundTrip(new OutOfMemoryError("remote heap"), DECLARED, LOADER);

    assertThat(rebuilt).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) rebuilt).remoteType()).isEqualTo("java.lang.OutOfMemoryError");
  }

  @Test
  void suppressedExceptionsTravelToo() {
    IllegalStateException error = new IllegalStateException("main");
    error.addSuppressed(new IOException("close failed"));

    Throwable rebuilt = roundTrip(error, null, null);

    assertThat(rebuilt.getSuppressed()).hasSize(1);
    assertThat(rebuilt.getSuppressed()[0])
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("close failed");
  }

  @Test
  void anExceptionWhoseFieldsTheReaderCannotDecodeArrivesAsARemoteExceptionSayingWhy() {
    BodyCodec knowsNothing = new BodyCodec(List.of());
    QuotaExceeded error = new QuotaExceeded("q").limit(3, List.of(new Tenant("t")));
    ByteBuf body = Unpooled.buffer();
    try {
      provider.writeError(body, error, PeerShapes.SAME);
      Throwable rebuilt = knowsNothing.readError(body, DECLARED, LOADER);

      assertThat(rebuilt)
          .as("not a QuotaExceeded without its tenants: that would be a wrong value")
          .isExactlyInstanceOf(RemoteException.class)
          .hasMessage(QuotaExceeded.class.getName() + ": q");
      assertThat(rebuilt.getSuppressed())
          .singleElement()
          .extracting(Throwable::getMessage, as(InstanceOfAssertFactories.STRING))
          .contains("fields cannot be rebuilt here", "not allowed");
    } finally {
      body.release();
    }
  }

  @Test
  void fieldsThatCannotBeEncodedAreLeftOutAndTheErrorIsStillWritten() {
    QuotaExceeded error = new QuotaExceeded("q");
    // A declared field type, holding an element that is not allowed.
    List<Object> tenants = new ArrayList<>(List.of(new Tenant("ok"), new Thread()));
    error.limit(5, (List<Tenant>) (List<?>) tenants);
    ByteBuf body = Unpooled.buffer();
    try {
      provider.writeError(body, error, PeerShapes.SAME);
      Throwable rebuilt = consumer.readError(body, DECLARED, LOADER);

      assertThat(rebuilt).isExactlyInstanceOf(QuotaExceeded.class).hasMessage("q");
      assertThat(((QuotaExceeded) rebuilt).limit()).isEqualTo(5);
      assertThat(((QuotaExceeded) rebuilt).tenants()).isNull();
    } finally {
      body.release();
    }
  }

  @Test
  void aVeryLongOrCyclicCauseChainIsCutNotFatal() {
    Throwable deep = new IllegalStateException("bottom");
    for (int i = 0; i < 10_000; i++) {
      deep = new IllegalStateException("level " + i, deep);
    }
    Throwable rebuilt = roundTrip(deep, null, null);
    int depth = 0;
    for (Throwable t = rebuilt; t != null; t = t.getCause()) {
      depth++;
    }
    assertThat(depth).isEqualTo(ThrowableData.MAX_NESTING);

    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b", a);
    a.addSuppressed(b); // a -> suppressed b -> cause a
    assertThat(roundTrip(a, null, null).getSuppressed()[0].getCause()).isNull();
  }

  @Test
  void malformedErrorDataIsABodyDecodingException() {
    ByteBuf body = Unpooled.buffer();
    try {
      provider.writeValue(body, "not an error", Object.class, PeerShapes.SAME);
      assertThatThrownBy(() -> consumer.readError(body, DECLARED, LOADER))
          .isExactlyInstanceOf(BodyDecodingException.class);
      body.clear();
      assertThatThrownBy(() -> consumer.readError(body, DECLARED, LOADER))
          .isExactlyInstanceOf(BodyDecodingException.class)
          .hasMessage("body ends early: truncated or malformed");
    } finally {
      body.release();
    }
  }
}
