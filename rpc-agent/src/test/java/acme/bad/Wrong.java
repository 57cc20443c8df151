package acme.bad;

import io.farcall.RemoteRef;

/** A @RemoteRef on a type that is not a @Remote interface. */
public class Wrong {
  @RemoteRef String notRemote;
}
