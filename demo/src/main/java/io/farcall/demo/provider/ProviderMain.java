package io.farcall.demo.provider;

import java.io.IOException;

/**
 * A provider process, an ordinary application: it builds its services with {@code new} (the agent
 * exports each as its constructor finishes), says {@code READY <name>} and serves until its
 * standard input closes. Its name comes from the system property {@code demo.provider}.
 */
public final class ProviderMain {
  private ProviderMain() {}

  public static void main(String[] args) throws IOException {
    String name = System.getProperty("demo.provider", "provider-" + ProcessHandle.current().pid());
    Members members = Members.seeded();
    new UserServiceImpl(members);
    new FriendServiceImpl(members);
    new CalculatorImpl();
    new PingImpl(name);
    System.out.println("READY " + name);
    while (System.in.read() >= 0) {
      // serve until whoever started us closes our input (or dies)
    }
    System.out.println("input closed, exiting");
  }
}
