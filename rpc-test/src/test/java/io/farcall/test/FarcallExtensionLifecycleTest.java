package io.farcall.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * When the extension starts and stops what, driven through JUnit's callbacks as JUnit calls them:
 * for a static field, beforeAll, then beforeEach and afterEach around each test, then afterAll; for
 * an instance field, only beforeEach and afterEach.
 */
class FarcallExtensionLifecycleTest {
  @Test
  void asAStaticFieldOneZooKeeperServesTheClassAndProvidersEndWithEachTest() {
    FarcallExtension ext = FarcallExtension.create();
    ext.beforeAll(null);
    try {
      ext.beforeEach(null);
      String registry = ext.registry();
      TestProvider first = ext.export(new CounterImpl("first"));
      assertThat(ext.stub(Counter.class).whoAmI()).isEqualTo("first");
      ext.afterEach(null);
      assertThatThrownBy(() -> first.runtime().export(new CounterImpl("again")))
          .as("the provider of the first test is stopped")
          .isInstanceOf(IllegalStateException.class);

      ext.beforeEach(null);
      assertThat(ext.registry()).as("the same ZooKeeper").isEqualTo(registry);
      ext.export(new CounterImpl("second"));
      assertThat(ext.stub(Counter.class).whoAmI()).isEqualTo("second");
      ext.afterEach(null);
    } finally {
      ext.afterAll(null);
    }
    assertThatThrownBy(ext::registry)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@RegisterExtension");
  }

  @Test
  void asAnInstanceFieldEachTestGetsItsOwnZooKeeper() throws Exception {
    FarcallExtension ext = FarcallExtension.create();
    ext.beforeEach(null);
    String first;
    try {
      first = ext.registry();
      ext.export(new CounterImpl("one"));
      assertThat(ext.stub(Counter.class).whoAmI()).isEqualTo("one");
    } finally {
      ext.afterEach(null);
    }
    int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .as("the first test's ZooKeeper is stopped")
        .isInstanceOf(IOException.class);

    ext.beforeEach(null);
    try {
      assertThat(ext.registry()).isNotEqualTo(first);
    } finally {
      ext.afterEach(null);
    }
  }

  @Test
  void usedWhileNotRunningItSaysHowToRegisterIt() {
    FarcallExtension ext = FarcallExtension.create();
    assertThatThrownBy(() -> ext.stub(Counter.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@RegisterExtension");
  }
}
