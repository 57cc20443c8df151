package io.farcall.spring.boot.actuate;

import io.farcall.runtime.Farcall;
import io.farcall.spring.boot.FarcallHealth;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Farcall's health for Spring Boot 3's Actuator ({@code /actuator/health/farcall}). */
public final class FarcallHealthIndicator extends AbstractHealthIndicator {
  private final Farcall farcall;

  public FarcallHealthIndicator(Farcall farcall) {
    super("Farcall health check failed");
    this.farcall = farcall;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    FarcallHealth health = FarcallHealth.of(farcall);
    (health.up() ? builder.up() : builder.down()).withDetails(health.details());
  }
}
