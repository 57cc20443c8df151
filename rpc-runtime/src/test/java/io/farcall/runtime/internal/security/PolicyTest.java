package io.farcall.runtime.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a policy file allows. */
class PolicyTest {
  private final Policy policy =
      Policy.parse(
          """
          # service      method   callers
          acme.Orders    place    checkout, web
          acme.Orders    *        admin
          acme.Stock     *        *
          *              health   anonymous
          """);

  @Test
  void aRuleAllowsItsCallersItsMethodOfItsService() {
    assertThat(policy.size()).isEqualTo(4);
    assertThat(policy.allows("acme.Orders", "place", "checkout")).isTrue();
    assertThat(policy.allows("acme.Orders", "place", "web")).isTrue();
    assertThat(policy.allows("acme.Orders", "cancel", "web")).isFalse();
    assertThat(policy.allows("acme.Billing", "place", "checkout")).isFalse();
  }

  @Test
  void aStarMethodIsEveryMethodAndAStarServiceEveryService() {
    assertThat(policy.allows("acme.Orders", "cancel", "admin")).isTrue();
    assertThat(policy.allows("acme.Orders", "health", "anonymous")).isTrue();
    assertThat(policy.allows("acme.Billing", "health", "anonymous")).isTrue();
    assertThat(policy.allows("acme.Billing", "charge", "admin")).isFalse();
  }

  @Test
  void aStarCallerIsAnyAuthenticatedCallerButNotAnAnonymousOne() {
    assertThat(policy.allows("acme.Stock", "reserve", "whoever")).isTrue();
    assertThat(policy.allows("acme.Stock", "reserve", "anonymous")).isFalse();
  }

  @Test
  void nothingIsAllowedByAnEmptyPolicy() {
    assertThat(Policy.parse("# nobody\n").allows("acme.Orders", "place", "admin")).isFalse();
  }

  @Test
  void aLineThatIsNotARuleIsNamed() {
    assertThatThrownBy(() -> Policy.parse("acme.Orders place\n"))
        .hasMessageContaining("line 1")
        .hasMessageContaining("expected a service, a method and callers");
    assertThatThrownBy(() -> Policy.parse("\nacme.Orders place(int) web\n"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("neither * nor a method name");
    assertThatThrownBy(() -> Policy.parse("acme.Orders place web admin\n"))
        .hasMessageContaining("separated by commas");
  }
}
