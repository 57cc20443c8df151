package io.farcall.runtime.internal.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;

/** The JMX side of {@link MeterSetup}: loaded only with the {@code jmx} option. */
final class JmxMeters {
  /** The MBeans' domain: {@code farcall:name=...,type=...}. */
  static final String DOMAIN = "farcall";

  private JmxMeters() {}

  static MeterRegistry newRegistry() {
    JmxConfig config =
        new JmxConfig() {
          @Override
          public String get(String key) {
            return null;
          }

          @Override
          public String domain() {
            return DOMAIN;
          }
        };
    return new JmxMeterRegistry(config, Clock.SYSTEM);
  }
}
