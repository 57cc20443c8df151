package io.farcall.demo.provider;

import io.farcall.Export;
import io.farcall.demo.api.Ping;
import io.farcall.demo.api.Pong;

/** Exported as soon as it is constructed; answers with this provider's name. */
@Export
public class PingImpl implements Ping {
  private final Pong pong;

  public PingImpl(String providerName) {
    this.pong = new Pong(providerName, ProcessHandle.current().pid());
  }

  @Override
  public Pong ping() {
    System.out.println("served ping()");
    return pong;
  }
}
