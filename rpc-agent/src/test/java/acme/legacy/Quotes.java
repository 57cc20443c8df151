package acme.legacy;

import io.farcall.Remote;

@Remote
public interface Quotes {
  String quote(String symbol);
}
