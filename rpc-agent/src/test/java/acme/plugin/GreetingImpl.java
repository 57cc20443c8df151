package acme.plugin;

import io.farcall.Export;

@Export
public class GreetingImpl implements Greeting {
  @Override
  public String hello(String name) {
    return "hello " + name;
  }
}
