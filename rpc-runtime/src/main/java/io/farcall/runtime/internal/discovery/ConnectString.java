package io.farcall.runtime.internal.discovery;

import java.net.InetSocketAddress;
import java.util.List;
import org.apache.zookeeper.client.ConnectStringParser;

/**
 * A ZooKeeper connect string ({@code host:port[,host:port...][/chroot]}), parsed once, as the
 * ZooKeeper client parses it: the one place Farcall reads connect strings. Immutable.
 *
 * @param text the connect string, trimmed
 * @param servers its servers, unresolved
 */
public record ConnectString(String text, List<InetSocketAddress> servers) {
  public ConnectString {
    servers = List.copyOf(servers);
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the string and what is wrong with it: a registry that
   *     starts while ZooKeeper is down would otherwise retry a string that can never work, forever
   *     and quietly
   */
  public static ConnectString parse(String text) {
    String trimmed = text.trim();
    String why = null;
    List<InetSocketAddress> servers = List.of();
    try {
      servers = new ConnectStringParser(trimmed).getServerAddresses();
      if (servers.isEmpty()) {
        why = "no server";
      }
      for (InetSocketAddress server : servers) {
        String host = server.getHostString();
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
          why = "bad host '" + host + "'";
        }
      }
    } catch (IllegalArgumentException e) {
      why = e.getMessage();
    }
    if (why != null) {
      throw new IllegalArgumentException(
          "Not a ZooKeeper connect string (host:port[,host:port...][/chroot]): '"
              + trimmed
              + "': "
              + why);
    }
    return new ConnectString(trimmed, servers);
  }

  /** Whether every server is this machine's loopback address. */
  public boolean isLoopback() {
    return servers.stream().allMatch(s -> isLoopback(s.getHostString()));
  }

  /** Whether {@code host} names the loopback address. */
  public static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.equals("0:0:0:0:0:0:0:1");
  }
}
