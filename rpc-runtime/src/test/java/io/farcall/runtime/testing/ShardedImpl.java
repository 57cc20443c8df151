package io.farcall.runtime.testing;

public class ShardedImpl implements Sharded {
  private final String name;

  public ShardedImpl(String name) {
    this.name = name;
  }

  @Override
  public String owner(String key) {
    return name;
  }
}
