package io.farcall.runtime.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectStringTest {
  @Test
  void aConnectStringIsSplitIntoItsServersAsZooKeeperSplitsIt() {
    assertThat(ConnectString.parse(" zk1:2181,zk2:2182/app ").servers())
        .extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("zk1:2181", "zk2:2182");
    assertThat(ConnectString.parse("[::1]:2181").servers())
        .extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("::1:2181");
    assertThat(ConnectString.parse("zk1").servers())
        .extracting(a -> a.getPort())
        .containsExactly(2181);
  }

  @Test
  void aMalformedConnectStringIsRefusedNamingIt() {
    assertThatThrownBy(() -> ConnectString.parse("zk1:notaport"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not a ZooKeeper connect string")
        .hasMessageContaining("'zk1:notaport'");
  }

  @Test
  void onlyAStringOfLoopbackServersIsLoopback() {
    assertThat(ConnectString.parse("127.0.0.1:2181,localhost:2182").isLoopback()).isTrue();
    assertThat(ConnectString.parse("[::1]:2181/chroot").isLoopback()).isTrue();
    assertThat(ConnectString.parse("127.0.0.1:2181,zk2:2181").isLoopback()).isFalse();
  }
}
