package io.farcall.test;

import java.util.concurrent.atomic.AtomicInteger;

class CounterImpl implements Counter {
  private final String name;
  private final AtomicInteger count = new AtomicInteger();

  CounterImpl(String name) {
    this.name = name;
  }

  @Override
  public int next() {
    return count.incrementAndGet();
  }

  @Override
  public String whoAmI() {
    return name;
  }
}
