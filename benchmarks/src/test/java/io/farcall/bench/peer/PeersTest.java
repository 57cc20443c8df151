package io.farcall.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.bench.model.UserService;
import io.farcall.bench.model.Users;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PeersTest {
  @ParameterizedTest
  @EnumSource(
      value = Peer.class,
      names = {"FARCALL", "FARCALL_NONBLOCKING", "GRPC", "GRPC_TUNED", "FARCALL_TLS", "GRPC_TLS"})
  void everyPeerThatDecodesReturnsTheSameObjectsTheServiceBuilt(Peer peer) throws Exception {
    try (Peer.Session s = peer.start(1)) {
      UserService client = s.client();
      assertThat(client.existUser("a@example.org")).isTrue();
      assertThat(client.existUser("a@example.org!")).isFalse();
      assertThat(client.createUser(Users.user(3))).isTrue();
      assertThat(client.getUser(7)).isEqualTo(Users.user(7));
      assertThat(client.listUser(3)).isEqualTo(Users.page(3));
      assertThat(client.listUser(3).getResult()).hasSize(Users.PAGE_SIZE);
      assertThat(client.echo(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
      assertThat(client.getUserAsync(9).get()).isEqualTo(Users.user(9));
      assertThat(client.listUserAsync(2).get()).isEqualTo(Users.page(2));
      assertThat(client.existUserAsync("b@example.org").get()).isTrue();
      assertThat(client.createUserAsync(Users.user(1)).get()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Peer.class,
      names = {"CEILING"})
  void theCeilingBouncesFramesAsLongAsFarcallsForEveryCall(Peer peer) throws Exception {
    FarcallFrames frames = new FarcallFrames();
    FarcallFrames.Pair get = frames.of("getUser", new Object[] {7L});
    FarcallFrames.Pair list = frames.of("listUser", new Object[] {3});
    // A page of 15 users is far longer on the wire than one user, and a request is short.
    assertThat(list.reply().length).isGreaterThan(10 * get.reply().length);
    assertThat(get.request().length).isLessThan(get.reply().length);
    assertThat(frames.reply(list.index())).isSameAs(list.reply());
    try (Peer.Session s = peer.start(1)) {
      UserService client = s.client();
      assertThat(client.existUser("a@example.org")).isTrue();
      client.getUser(7);
      client.listUser(3);
      assertThat(client.echo(new byte[1000])).hasSize(1000);
    }
  }

  @org.junit.jupiter.api.Test
  void farcallsTlsPeerRunsOnOpenSsl() throws Exception {
    try (io.farcall.runtime.testing.LogCapture log =
            io.farcall.runtime.testing.LogCapture.of("io.farcall.runtime.internal.transport.Tls");
        Peer.Session s = Peer.FARCALL_TLS.start(1)) {
      assertThat(s.client().existUser("a@example.org")).isTrue();
      assertThat(log.messages(org.apache.logging.log4j.Level.INFO))
          .anySatisfy(m -> assertThat(m).startsWith("TLS ON through OpenSSL"));
    }
  }
}
