package acme.plugin;

import io.farcall.Remote;

@Remote
public interface Greeting {
  String hello(String name);
}
