package io.farcall.spring.boot.elsewhere;

import io.farcall.spring.boot.RemoteScan;
import io.farcall.spring.boot.api.Quotes;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** Applications in a package of their own, away from the {@code @Remote} interface they use. */
public final class ElsewhereApps {
  private ElsewhereApps() {}

  /** Names the interface's package with {@link RemoteScan}. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @RemoteScan(basePackageClasses = Quotes.class)
  public static class Scanning {}

  /** Does not: its own package has no {@code @Remote} interface. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  public static class NotScanning {}
}
