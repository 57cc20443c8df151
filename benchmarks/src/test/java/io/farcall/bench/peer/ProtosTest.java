package io.farcall.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.farcall.bench.grpc.proto.PageMessage;
import io.farcall.bench.grpc.proto.UserMessage;
import io.farcall.bench.model.User;
import io.farcall.bench.model.Users;
import org.junit.jupiter.api.Test;

class ProtosTest {
  @Test
  void aUserSurvivesTheTripThroughItsMessageAndBytes() throws Exception {
    User u = Users.user(42);
    User back = Protos.fromMessage(UserMessage.parseFrom(Protos.toMessage(u).toByteArray()));
    assertThat(back).isEqualTo(u);
    assertThat(back.getCreateTime()).isEqualTo(u.getCreateTime());
    assertThat(back.getPermissions()).hasSize(15);
  }

  @Test
  void aPageSurvivesTheTripThroughItsMessageAndBytes() throws Exception {
    assertThat(
            Protos.fromMessage(
                PageMessage.parseFrom(Protos.toMessage(Users.page(5)).toByteArray())))
        .isEqualTo(Users.page(5));
  }

  @Test
  void theSampleUserHasTheFieldsRpcBenchmarkDescribes() {
    User u = Users.user(1);
    assertThat(u.getAddress()).hasSize(25);
    assertThat(u.getIcon()).hasSize(38);
    assertThat(u.getPermissions()).hasSize(15);
    assertThat(Users.page(0).getResult()).hasSize(15);
  }
}
