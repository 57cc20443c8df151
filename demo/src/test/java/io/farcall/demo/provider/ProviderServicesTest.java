package io.farcall.demo.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.DeadlineExceededException;
import io.farcall.demo.api.Calculator;
import io.farcall.demo.api.FriendService;
import io.farcall.demo.api.InvalidOperation;
import io.farcall.demo.api.User;
import io.farcall.demo.api.UserService;
import io.farcall.test.FarcallExtension;
import io.farcall.test.TestProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo providers' services as a consumer sees them: served by real Farcall runtimes over
 * loopback sockets, through stubs, so that what crosses the wire (records, Optional, lists, the
 * declared and undeclared exceptions) is checked, not only the classes' own logic.
 */
class ProviderServicesTest {
  @RegisterExtension
  static final FarcallExtension farcall =
      FarcallExtension.create(b -> b.timeout(Duration.ofMillis(500)));

  @Test
  void registeringAndLoggingInWorkAsLocalCallsWould() {
    farcall.export(new UserServiceImpl(Members.seeded()));
    UserService users = farcall.stub(UserService.class);

    User erin = users.register("erin", "secret");
    assertThat(erin.name()).isEqualTo("erin");
    assertThat(users.login("erin", "secret")).contains(erin);
    assertThat(users.login("erin", "wrong")).isEmpty();
    assertThatThrownBy(() -> users.register("alice", "again"))
        .as("the provider's exception, as the method documents it")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
  }

  @Test
  void friendsComeBackAsTheProviderListsThem() {
    Members members = Members.seeded();
    farcall.export(new FriendServiceImpl(members));
    FriendService friends = farcall.stub(FriendService.class);
    long alice = members.check("alice", "wonderland").orElseThrow().id();

    assertThat(friends.friends(alice))
        .extracting(User::name)
        .containsExactlyInAnyOrder("bob", "carol");
  }

  @Test
  void aDeclaredExceptionArrivesAsItselfAndASlowCalculatorMissesItsDeadline() throws Exception {
    TestProvider calculator = farcall.export(new CalculatorImpl());
    Calculator calc = farcall.stub(Calculator.class);
    assertThat(calc.divide(7, 2)).isEqualTo(3);
    assertThatThrownBy(() -> calc.divide(1, 0)).isInstanceOf(InvalidOperation.class);

    calculator.slowDown(Duration.ofSeconds(2));
    assertThatThrownBy(() -> calc.add(1, 2)).isInstanceOf(DeadlineExceededException.class);
    calculator.slowDown(Duration.ZERO);
    assertThat(calc.add(1, 2)).isEqualTo(3);
  }
}
